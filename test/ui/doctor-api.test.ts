/**
 * `GET /api/doctor` on a real git repository: a `.env` with a value that git does not ignore,
 * hooks not installed and a secret declared but never set are found, as `latch doctor --json`
 * finds them, with their severity; the value is nowhere in the answer, and nothing is fixed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectVault, resolveProject } from '../../src/app/context.js';
import { runMain } from '../../src/cli/main.js';
import type { Io } from '../../src/shared/io.js';
import { uiApi } from '../../src/ui/api.js';
import type { DoctorAnswer } from '../../src/ui/doctor-api.js';
import { fakeIo, tempDirs } from '../cli/fake-io.js';

const leakedValue = 'live-looking-value-5t7w';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(project);
  const passphraseFile = join(dirs.root, 'passphrase');
  writeFileSync(passphraseFile, 'pass phrase 1\n');
  // A passphrase file, not LATCH_PASSPHRASE: doctor reports that one as exposed.
  env = { LATCH_HOME: dirs.home, LATCH_PASSPHRASE_FILE: passphraseFile, LATCH_KDF_PARAMS: 'm=8192,t=1,p=1' };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: project });
  expect(await runMain(['init'], fakeIo({ cwd: project, env }))).toBe(0);
  const manifest = join(project, 'latch.yaml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8').replace('secrets: []', 'secrets:\n  - name: STRIPE_KEY\n'),
  );
  writeFileSync(join(project, '.env'), `STRIPE_KEY=${leakedValue}\n`);
});
afterEach(() => dirs.cleanup());

/**
 * The API of a `latch ui` unlocked with the passphrase file, asked with an environment that
 * has none: the checks of the vault must use the vault the server holds, not unlock again.
 */
async function doctorAnswer(): Promise<DoctorAnswer> {
  const io: Io = { ...fakeIo({ cwd: project, env }), client: 'ui' };
  const here = await resolveProject({ options: {} }, io);
  const vault = await openProjectVault(io, here);
  const { LATCH_PASSPHRASE_FILE: _unused, ...locked } = env;
  const lockedIo: Io = { ...fakeIo({ cwd: project, env: locked }), client: 'ui' };
  const api = uiApi({ io: lockedIo, vault, here });
  const answer = await api({
    method: 'GET',
    path: '/api/doctor',
    query: new URLSearchParams(),
    body: undefined,
  });
  expect(answer.status).toBe(200);
  expect(JSON.stringify(answer.json)).not.toContain(leakedValue);
  return answer.json as DoctorAnswer;
}

async function doctorJson(): Promise<{ problems: Array<{ check: string; message: string; fix: string }> }> {
  const io = fakeIo({ cwd: project, env });
  expect(await runMain(['doctor', '--json'], io)).toBe(5);
  expect(io.out()).not.toContain(leakedValue);
  return JSON.parse(io.out());
}

describe('GET /api/doctor', () => {
  it("finds what `latch doctor --json` finds, by severity, without the .env file's value", async () => {
    const answer = await doctorAnswer();
    expect(answer.ok).toBe(false);
    expect(answer.skipped).toEqual([]);
    const byCheck = Object.fromEntries(answer.findings.map((finding) => [finding.check, finding]));
    expect(byCheck['env-file-not-ignored']).toMatchObject({
      severity: 'exposed',
      message: '.env holds values and is not ignored by git',
      fixable: true,
      paths: ['.env'],
    });
    expect(byCheck['git-hooks']).toMatchObject({ severity: 'risk', fixable: true });
    expect(byCheck['secret-never-set']).toMatchObject({
      severity: 'tidy',
      message: 'STRIPE_KEY is declared in latch.yaml but set in no environment',
    });
    expect(answer.fixCommand).toBe('latch doctor --fix');
    // Worst first.
    const order = answer.findings.map((finding) => ['exposed', 'risk', 'tidy'].indexOf(finding.severity));
    expect(order).toEqual([...order].sort());

    const cli = await doctorJson();
    const pairs = (list: Array<{ check: string; message: string; fix: string }>) =>
      list.map(({ check, message, fix }) => [check, message, fix]).sort();
    expect(pairs(answer.findings)).toEqual(pairs(cli.problems));
  });

  it('fixes nothing: the .env stays unignored and the hooks uninstalled', async () => {
    await doctorAnswer();
    expect(existsSync(join(project, '.gitignore'))).toBe(false);
    expect(existsSync(join(project, '.git', 'hooks', 'pre-commit'))).toBe(false);
    // Fixed in a terminal, the finding is gone from the page too.
    expect(await runMain(['doctor', '--fix'], fakeIo({ cwd: project, env }))).toBe(5);
    const after = await doctorAnswer();
    expect(after.findings.map((finding) => finding.check)).not.toContain('env-file-not-ignored');
    expect(after.findings.map((finding) => finding.check)).toContain('secret-never-set');
  });
});
