/** `latch team key` through the CLI's main with a fake io: who may export, what import takes. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../../src/cli/main.js';
import { fakeIo, initializedProject, scriptedTerminal, type tempDirs } from '../fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dirs, project, env } = await initializedProject());
});
afterEach(() => dirs.cleanup());

async function key(): Promise<{ recipient: string; fingerprint: string }> {
  const io = fakeIo({ cwd: project, env });
  expect(await runMain(['team', 'key', '--json'], io), io.err()).toBe(0);
  return JSON.parse(io.out());
}

describe('latch team key', () => {
  it('makes one identity on first need and prints the same recipient after', async () => {
    const first = await key();
    expect(first.recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){4}$/);
    expect(await key()).toEqual(first);
  });

  it('exports only to a person who confirms on a terminal, and age reads the export', async () => {
    const { recipient } = await key();
    const piped = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'key', '--export'], piped)).toBe(3);
    expect(piped.out()).toBe('');
    const asked: string[] = [];
    const agent = fakeIo({
      cwd: project,
      env: { ...env, CLAUDECODE: '1' },
      terminal: scriptedTerminal(['export'], asked),
    });
    expect(await runMain(['team', 'key', '--export'], agent)).toBe(3);
    expect(agent.err()).toContain('AI agent');
    expect(asked).toEqual([]);
    expect(agent.out()).toBe('');
    const person = fakeIo({ cwd: project, env, terminal: scriptedTerminal(['export']) });
    expect(await runMain(['team', 'key', '--export'], person), person.err()).toBe(0);
    const file = join(dirs.root, 'exported.key');
    writeFileSync(file, person.out());
    expect(execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim()).toBe(recipient);
  });

  it('imports an age-keygen identity; replacing one needs a person', async () => {
    const file = join(dirs.root, 'mine.key');
    execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
    const io = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'key', '--import', file], io), io.err()).toBe(0);
    const expected = execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim();
    expect((await key()).recipient).toBe(expected);
    const other = join(dirs.root, 'other.key');
    execFileSync('age-keygen', ['-o', other], { stdio: 'ignore' });
    const replace = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'key', '--import', other], replace)).toBe(3);
    expect((await key()).recipient).toBe(expected);
    const bad = join(dirs.root, 'bad.key');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('AGE-SECRET-KEY-1', 'AGE-SECRET-KEY-2'));
    const refused = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'key', '--import', bad], refused)).toBe(2);
    const secretPart = /AGE-SECRET-KEY-1(\S+)/.exec(readFileSync(file, 'utf8'))![1]!;
    expect(refused.err()).toContain('not an age identity');
    expect(refused.err()).not.toContain(secretPart);
  });

  it('team commands outside a repository with .latch/ say how to start', async () => {
    const io = fakeIo({ cwd: project, env });
    expect(await runMain(['push'], io)).toBe(4);
    expect(io.err()).toContain('latch team init');
  });

  it('shares a protected environment only when a person types its name, never at init', async () => {
    const refusedInit = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'init', 'alice', '--envs', 'dev,prod'], refusedInit)).toBe(2);
    expect(refusedInit.err()).toContain('latch team share --env prod');
    // Nothing marked `shared: true` and no --envs: nothing is guessed.
    const unmarked = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'init', 'alice'], unmarked)).toBe(2);
    expect(unmarked.err()).toContain('shared: true');
    const manifest = join(project, 'latch.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8')
        .replace(/^( {2}dev:).*$/m, '$1 { shared: true }')
        .replace(/^( {2}staging:).*$/m, '$1 { shared: true }')
        .replace(/^( {2}prod:).*$/m, '$1 { protected: true, shared: true }'),
    );
    const init = fakeIo({ cwd: project, env });
    expect(await runMain(['team', 'init', 'alice'], init), init.err()).toBe(0);
    // A protected environment marked shared is left to `team share`, said in a note.
    expect(init.err()).toContain('latch team share --env prod');
    const recipients = join(project, '.latch', 'recipients');
    expect(readFileSync(recipients, 'utf8')).toContain('# environments: dev,staging\n');
    expect(await runMain(['team', 'share', '--env', 'prod'], fakeIo({ cwd: project, env }))).toBe(3);
    const agent = fakeIo({
      cwd: project,
      env: { ...env, CLAUDECODE: '1' },
      terminal: scriptedTerminal(['prod']),
    });
    expect(await runMain(['team', 'share', '--env', 'prod'], agent)).toBe(3);
    expect(readFileSync(recipients, 'utf8')).not.toContain('prod');
    const person = fakeIo({ cwd: project, env, terminal: scriptedTerminal(['prod']) });
    expect(await runMain(['team', 'share', '--env', 'prod'], person), person.err()).toBe(0);
    expect(readFileSync(recipients, 'utf8')).toContain('# environments: dev,staging,prod\n');
    expect(readFileSync(recipients, 'utf8')).toContain('envs=dev,staging,prod\n');
    // Each push of it asks again; without a terminal it is refused, the others are not.
    expect(await runMain(['push'], fakeIo({ cwd: project, env }))).toBe(3);
    expect(await runMain(['push', '--env', 'dev'], fakeIo({ cwd: project, env }))).toBe(0);
    const again = fakeIo({ cwd: project, env, terminal: scriptedTerminal(['prod']) });
    expect(await runMain(['push', '--env', 'prod'], again), again.err()).toBe(0);
  });
});
