/**
 * A large vault for `latch ui`, shared by bench/ui.mjs and test/e2e/ui-large.test.ts: 50
 * projects of 40 secrets each (2,000 secrets), built in one process through latch's own
 * modules in dist/ (what `latch init` and `latch set` do, without 2,000 Argon2id unlocks), and
 * the probe both use to time the page's first render in the browser.
 *
 * Each project has dev (20 secrets), staging and prod (protected; the first 10 of the same
 * names each). The states are mixed by a secret's place in the vault: every second has a
 * description, every fourth an owner, every third a rotation period (half of those last set
 * 200 days ago, so rotation is due), one in twenty has expired and one in twenty expires next
 * month, one in a hundred is marked leaked, and one in ten has an earlier version. The first
 * project is the directory's own: its latch.yaml declares exactly what it stores, so the page
 * shows 2,000 rows, no more.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Names a real service has; dev holds all 20, staging and prod the first 10. */
export const secretNames = [
  'DATABASE_URL',
  'REDIS_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'OPENAI_API_KEY',
  'JWT_SIGNING_KEY',
  'SESSION_SECRET',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'SENTRY_DSN',
  'GITHUB_TOKEN',
  'SENDGRID_API_KEY',
  'TWILIO_AUTH_TOKEN',
  'SLACK_WEBHOOK_URL',
  'COOKIE_SECRET',
  'ALGOLIA_ADMIN_KEY',
  'MAPBOX_TOKEN',
  'POSTHOG_API_KEY',
  'ENCRYPTION_KEY',
  'ANTHROPIC_API_KEY',
];

export const projectCount = 50;
export const environments = [
  { name: 'dev', protected: false, names: secretNames },
  { name: 'staging', protected: false, names: secretNames.slice(0, 10) },
  { name: 'prod', protected: true, names: secretNames.slice(0, 10) },
];

/** `svc-01` ... `svc-50`; the first is the fixture directory's own project. */
export const projectName = (index) => `svc-${String(index + 1).padStart(2, '0')}`;

const day = 24 * 60 * 60 * 1000;

/** A random text value (run and check refuse binary values for required secrets). */
const randomValue = () => new TextEncoder().encode(randomBytes(24).toString('base64url'));

async function loadLatch(distDirectory) {
  const load = (path) => import(pathToFileURL(join(distDirectory, path)).href);
  const [store, secrets, kdf, manifest, context] = await Promise.all([
    load('vault/store.js'),
    load('vault/secrets.js'),
    load('vault/kdf.js'),
    load('manifest/manifest.js'),
    load('app/context.js'),
  ]);
  return {
    createVault: store.createVault,
    ensureEnvironment: secrets.ensureEnvironment,
    putSecret: secrets.putSecret,
    parseKdfParams: kdf.parseKdfParams,
    parseManifest: manifest.parseManifest,
    projectRecordFor: context.projectRecordFor,
  };
}

/** The metadata and dates of the `index`th secret of the vault (see the header). */
function secretPlan(index, now) {
  const metadata = {};
  if (index % 2 === 0)
    metadata.description = `used by the ${['api', 'worker', 'cron', 'web'][index % 4]} service`;
  if (index % 4 === 0) metadata.owner = ['platform', 'payments', 'growth'][index % 3];
  if (index % 3 === 0) metadata.rotateEvery = '90d';
  if (index % 20 === 1) metadata.expires = '2024-01-31';
  if (index % 20 === 2) metadata.expires = new Date(now + 30 * day).toISOString().slice(0, 10);
  if (index % 100 === 7) metadata.rotationNeeded = new Date(now - 2 * day).toISOString();
  const updated = new Date(now - (index % 6 === 0 ? 200 : 10) * day).toISOString();
  const earlier = index % 10 === 5 ? new Date(now - 400 * day).toISOString() : null;
  const rotationDue = metadata.rotateEvery !== undefined && index % 6 === 0;
  const expired = metadata.expires === '2024-01-31';
  return { metadata, updated, earlier, rotationDue, expired, leaked: metadata.rotationNeeded !== undefined };
}

/**
 * Builds the vault in `home` (created) and latch.yaml in `projectDirectory` (which must
 * exist), with the passphrase `passphrase` and latch's KDF text `kdf` (the tests' cheap one).
 * Returns every secret with the states the page should show, for the test's expectations.
 */
export async function buildUiFixture({
  distDirectory,
  home,
  projectDirectory,
  passphrase,
  kdf,
  now = Date.now(),
}) {
  const latch = await loadLatch(distDirectory);
  const here = projectName(0);
  const manifestPath = join(realpathSync(projectDirectory), 'latch.yaml');
  const manifestText = [
    `project: ${here}`,
    'default_environment: dev',
    'environments:',
    ...environments.map((environment) => `  ${environment.name}: { protected: ${environment.protected} }`),
    'secrets:',
    // The first 10 in every environment, the rest in dev only: what the vault stores.
    ...secretNames.map((name, index) => `  - name: ${name}${index < 10 ? '' : '\n    environments: [dev]'}`),
  ].join('\n');
  writeFileSync(manifestPath, `${manifestText}\n`);
  const context = {
    project: here,
    environment: 'dev',
    manifest: latch.parseManifest(manifestText, manifestPath),
    manifestPath,
    manifestText,
  };
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const vault = await latch.createVault(
    home,
    new TextEncoder().encode(passphrase),
    latch.parseKdfParams(kdf),
  );
  const secrets = [];
  await vault.update((contents) => {
    let index = 0;
    for (let project = 0; project < projectCount; project++) {
      const name = projectName(project);
      const record =
        project === 0 ? latch.projectRecordFor(context, contents.getProject(name)) : { environments: {} };
      for (const environment of environments) {
        const stored = latch.ensureEnvironment(record, environment.name, environment.protected);
        for (const secret of environment.names) {
          const plan = secretPlan(index++, now);
          if (plan.earlier) latch.putSecret(stored, secret, randomValue(), {}, plan.earlier);
          latch.putSecret(stored, secret, randomValue(), plan.metadata, plan.updated);
          secrets.push({
            project: name,
            environment: environment.name,
            name: secret,
            description: plan.metadata.description ?? null,
            owner: plan.metadata.owner ?? null,
            expires: plan.metadata.expires ?? null,
            rotateEvery: plan.metadata.rotateEvery ?? null,
            updated: plan.updated,
            rotationDue: plan.rotationDue,
            expired: plan.expired,
            leaked: plan.leaked,
          });
        }
      }
      contents.putProject(name, record);
    }
  });
  return { project: here, secrets };
}

/**
 * Runs in the page before its own scripts (playwright's addInitScript): records when the
 * overview view has rendered (`body[data-view=secrets]`, set by src/ui/page/app.ts) and when
 * the frame after it has been painted (the message after the next animation frame: style,
 * layout and paint of that frame are done). Times are performance.now(): milliseconds since
 * the navigation began, which for a fresh tab is the browser's request less nothing but
 * connecting to 127.0.0.1. The static floor page has data-view in its markup: its view mark
 * is DOMContentLoaded.
 */
export function installRenderProbe() {
  const marks = {};
  window.__latchRender = marks;
  const painted = () => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      marks.painted = performance.now();
    };
    requestAnimationFrame(() => {
      marks.frame = performance.now();
      channel.port2.postMessage(null);
    });
  };
  const check = () => {
    if (marks.view === undefined && document.body?.dataset.view === 'secrets') {
      marks.view = performance.now();
      observer.disconnect();
      painted();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-view'] });
  // A page that arrives rendered (the floor's static page) has data-view in its markup.
  document.addEventListener('DOMContentLoaded', check);
}

/**
 * Waits for the probe's paint mark and returns the render's timeline in milliseconds since
 * the navigation began: the request of the page, the API's answer (server time = its time to
 * first byte on the loopback), the view rendered and painted, the row count and the JSON's size.
 */
export async function readRenderTiming(page) {
  await page.waitForFunction(() => window.__latchRender?.painted !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const resource = (path) => resources.find((entry) => new URL(entry.name).pathname === path);
    const overview = resource('/api/overview');
    const session = resource('/api/session');
    const marks = window.__latchRender;
    return {
      requestStart: navigation.requestStart,
      documentEnd: navigation.responseEnd,
      scriptEnd: resource('/app.js')?.responseEnd ?? null,
      sessionStart: session?.startTime ?? null,
      sessionEnd: session?.responseEnd ?? null,
      apiRequestStart: overview?.requestStart ?? null,
      apiFirstByte: overview?.responseStart ?? null,
      apiEnd: overview?.responseEnd ?? null,
      apiBytes: overview?.encodedBodySize ?? null,
      view: marks.view,
      frame: marks.frame,
      painted: marks.painted,
      rows: document.querySelectorAll('tr[data-secret]').length,
    };
  });
}
