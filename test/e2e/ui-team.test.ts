/**
 * The Team and Doctor views of `latch ui` in a real headless Chromium: alice's clone, where
 * bob is an accepted member and carol (added by bob) waits for alice's `latch team ack`; and
 * a `.env` with a value that git does not ignore, which the Doctor view lists as `latch
 * doctor --json` does. No value in any response or in the page; screenshots in
 * test-artifacts/.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitRun, randomValue } from './git-harness.js';
import { latch, makeSandbox, type Sandbox } from './harness.js';
import {
  artifactPath,
  hasChromium,
  launchChromium,
  type RunningUi,
  startUi,
  watchedPage,
} from './ui-harness.js';

interface Person {
  name: string;
  sandbox: Sandbox;
  fingerprint: string;
  recipient: string;
}

let people: Person[] = [];
let ui: RunningUi | undefined;
let browser: Browser | undefined;

beforeEach(() => {
  people = [];
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  ui?.stop();
  ui = undefined;
  for (const person of people) person.sandbox.cleanup();
});

function ok(person: Person, args: string[], input?: string): string {
  const result = latch(person.sandbox, args, input === undefined ? {} : { input });
  expect(result.code, `${person.name}: latch ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

function git(person: Person, args: string[], cwd = person.sandbox.cwd): void {
  const result = gitRun(person.sandbox, args, {
    cwd,
    env: {
      GIT_AUTHOR_NAME: person.name,
      GIT_AUTHOR_EMAIL: `${person.name}@example.com`,
      GIT_COMMITTER_NAME: person.name,
      GIT_COMMITTER_EMAIL: `${person.name}@example.com`,
    },
  });
  expect(result.code, `${person.name}: git ${args.join(' ')}: ${result.stderr}`).toBe(0);
}

function person(name: string): Person {
  const member: Person = { name, sandbox: makeSandbox(), fingerprint: '', recipient: '' };
  people.push(member);
  return member;
}

function joinTeam(name: string, origin: Person): Person {
  const member = person(name);
  rmSync(member.sandbox.cwd, { recursive: true, force: true });
  git(member, ['clone', '-q', origin.sandbox.cwd, member.sandbox.cwd], member.sandbox.root);
  ok(member, ['init']);
  Object.assign(member, JSON.parse(ok(member, ['team', 'key', '--json'])));
  return member;
}

/** Opens a view from the navigation bar; resolves with the milliseconds until it rendered. */
async function openView(page: Page, title: string, view: string): Promise<number> {
  const started = Date.now();
  await page.locator('nav#views a', { hasText: title }).click();
  await page.locator(`body[data-view="${view}"]`).waitFor({ timeout: 20_000 });
  return Date.now() - started;
}

describe.skipIf(!hasChromium)('latch ui: team and doctor', () => {
  it('shows the members, what each reads, the key to accept, and doctor findings', async () => {
    const sharedValue = randomValue();
    const envFileValue = `dotenv-${randomValue(20)}`;
    const alice = person('alice');
    git(alice, ['init', '-q', '-b', 'main']);
    ok(alice, ['init']);
    ok(alice, ['set', 'API_KEY'], sharedValue);
    ok(alice, ['team', 'init', 'alice', '--envs', 'dev,staging']);
    Object.assign(alice, JSON.parse(ok(alice, ['team', 'key', '--json'])));
    ok(alice, ['push']);
    git(alice, ['add', '-A']);
    git(alice, ['commit', '-qm', 'share dev and staging']);
    const bob = joinTeam('bob', alice);
    const carol = joinTeam('carol', alice);
    ok(alice, ['team', 'add', 'bob', bob.recipient, '--fingerprint', bob.fingerprint]);
    git(alice, ['add', '-A']);
    git(alice, ['commit', '-qm', 'add bob']);
    git(bob, ['pull', '-q', '--no-rebase', 'origin', 'main']);
    ok(bob, ['team', 'ack', '--fingerprint', alice.fingerprint]);
    ok(bob, ['team', 'add', 'carol', carol.recipient, '--envs', 'dev', '--fingerprint', carol.fingerprint]);
    git(bob, ['add', '-A']);
    git(bob, ['commit', '-qm', 'add carol']);
    git(alice, ['pull', '-q', '--no-rebase', bob.sandbox.cwd, 'main']);
    // Not ignored, holding a value: doctor's first kind of finding.
    writeFileSync(join(alice.sandbox.cwd, '.env'), `LOCAL_TOKEN=${envFileValue}\n`);

    const listed = JSON.parse(ok(alice, ['team', 'ls', '--json'])) as {
      members: Array<{ name: string; environments: string[]; accepted: boolean }>;
    };
    expect(listed.members.map((member) => [member.name, member.accepted])).toEqual([
      ['alice', true],
      ['bob', true],
      ['carol', false],
    ]);
    const doctor = latch(alice.sandbox, ['doctor', '--json']);
    expect(doctor.code).toBe(5);
    const report = JSON.parse(doctor.stdout) as { problems: Array<{ check: string; message: string }> };

    ui = await startUi(alice.sandbox);
    browser = await launchChromium();
    const { page, bodies, problems } = await watchedPage(browser);
    await page.goto(ui.url);
    await page.locator('body[data-view="secrets"]').waitFor();

    const teamMs = await openView(page, 'Team', 'team');
    expect(await page.locator('h2').textContent()).toBe('Team of myapp');
    const rows = page.locator('#members tbody tr');
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-member')))).toEqual(
      listed.members.map((member) => member.name),
    );
    for (const member of listed.members) {
      const row = page.locator(`#members tr[data-member="${member.name}"]`);
      for (const environment of ['dev', 'staging'])
        expect(await row.locator(`td[data-environment="${environment}"]`).textContent()).toBe(
          member.environments.includes(environment) ? 'reads' : 'no',
        );
    }
    expect(await page.locator('#members tr[data-member="alice"] .state').textContent()).toBe('yours');
    expect(await page.locator('#members tr[data-member="carol"] .state').textContent()).toBe(
      'waiting for you to accept',
    );
    const pending = page.locator('#pending li');
    expect(await pending.evaluateAll((all) => all.map((item) => item.getAttribute('data-member')))).toEqual([
      'carol',
    ]);
    expect(await pending.locator('code').textContent()).toBe(
      `latch team ack --fingerprint ${carol.fingerprint}`,
    );
    expect(await pending.textContent()).toContain('bob <bob@example.com>');
    // Accepting is a terminal action: no button on the view.
    expect(await page.locator('main button').count()).toBe(0);
    await page.screenshot({ path: artifactPath('ui-team.png'), fullPage: true });

    const doctorMs = await openView(page, 'Doctor', 'doctor');
    console.log(`latch ui: team view rendered in ${teamMs} ms, doctor view in ${doctorMs} ms`);
    const summary = page.locator('#doctor-summary');
    expect(await summary.textContent()).toMatch(/^\d+ problems? \(\d+ fixed by latch doctor --fix\)$/);
    const exposed = page.locator('section[data-severity="exposed"] li[data-check="env-file-not-ignored"]');
    expect(await exposed.locator('strong').textContent()).toBe('.env holds values and is not ignored by git');
    const shown = await page.locator('li[data-check] strong').allTextContents();
    expect(shown.sort()).toEqual(report.problems.map((problem) => problem.message).sort());
    expect(await page.locator('main code.command').first().textContent()).toBe('latch doctor --fix');
    expect(await page.locator('main button').count()).toBe(0);
    await page.screenshot({ path: artifactPath('ui-doctor.png'), fullPage: true });

    const seen = [...(await bodies()), await page.content()];
    expect(seen.join('\n')).toContain('env-file-not-ignored');
    for (const text of seen) {
      expect(text).not.toContain(sharedValue);
      expect(text).not.toContain(envFileValue);
      expect(text).not.toContain('AGE-SECRET-KEY');
    }
    expect(problems).toEqual([]);
  }, 90_000);
});
