/** `latch scan` through the CLI's main with a fake io, in real temporary git repositories. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fakeIo, tempDirs } from './fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let repo: string;

function git(...args: string[]) {
  const result = spawnSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: join(dirs.root, 'gitconfig'),
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
    },
  });
  if (result.status !== 0) throw new Error(result.stderr);
}

beforeEach(() => {
  dirs = tempDirs();
  repo = join(dirs.root, 'repo');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  for (let index = 0; index < 3; index++) {
    writeFileSync(join(repo, `f${index}.txt`), `line ${index}\n`);
    git('add', '.');
    git('commit', '-qm', `c${index}`);
  }
});
afterEach(() => dirs.cleanup());

describe('latch scan --history progress', () => {
  it('shows progress on a terminal only', async () => {
    const onTerminal = fakeIo({ cwd: repo, env: { LATCH_HOME: dirs.home } });
    onTerminal.stderr.isTTY = true;
    expect(await runMain(['scan', '--history'], onTerminal)).toBe(0);
    expect(onTerminal.err()).toContain('scanning history: 3 commits');
    const piped = fakeIo({ cwd: repo, env: { LATCH_HOME: dirs.home } });
    expect(await runMain(['scan', '--history'], piped)).toBe(0);
    expect(piped.err()).toBe('');
    expect(piped.out()).toBe('no secrets found in 3 file patches\n');
  });

  it('pins the help text', async () => {
    const io = fakeIo();
    expect(await runMain(['scan', '--help'], io)).toBe(0);
    expect(io.out()).toContain('usage: latch scan [PATH...] [--staged | --history [--range A..B]]');
    expect(io.out()).toContain('--write-baseline FILE');
  });
});
