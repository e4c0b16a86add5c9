/** `latch hooks` end to end: real repositories, real `git commit` and `git push` running the installed hooks. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  binaryLeaks,
  git,
  gitEnv,
  gitlabToken,
  gitRun,
  hasSqlite,
  initRepository,
  locked,
  randomValue,
  setSecret,
  writeRepoFile,
} from './git-harness.js';
import { binary, initProject, latch, makeSandbox, type Sandbox } from './harness.js';

let sandbox: Sandbox;
let value: string;

beforeEach(() => {
  sandbox = makeSandbox();
  initRepository(sandbox);
  initProject(sandbox);
  value = randomValue(28);
  setSecret(sandbox, 'DB_PASSWORD', value);
  git(sandbox, ['add', 'latch.yaml']);
  git(sandbox, ['commit', '-qm', 'manifest']);
});
afterEach(() => sandbox.cleanup());

function install(cwd = sandbox.cwd) {
  const result = latch(sandbox, ['hooks', 'install'], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** Stages `content` as `path` and tries to commit it with the vault locked. */
function commit(path: string, content: string | Uint8Array, cwd = sandbox.cwd) {
  writeRepoFile(sandbox, path, content, cwd);
  git(sandbox, ['add', path], { cwd });
  return gitRun(sandbox, ['commit', '-qm', `add ${path}`], { cwd, env: locked });
}

describe('hooks install', () => {
  it('a hooks directory that is a file (core.hooksPath) is one line naming it, and installs nothing', () => {
    writeFileSync(join(sandbox.cwd, 'hooks-file'), 'not a directory\n');
    git(sandbox, ['config', 'core.hooksPath', 'hooks-file']);
    const result = latch(sandbox, ['hooks', 'install']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `latch: cannot make the hooks directory ${join(sandbox.cwd, 'hooks-file')} (EEXIST); a file is in the way: check core.hooksPath\n`,
    );
    expect(readFileSync(join(sandbox.cwd, 'hooks-file'), 'utf8')).toBe('not a directory\n');
  });
  it('refuses a bare repository, where the pre-push hook could only block every push', () => {
    const bare = join(sandbox.root, 'bare.git');
    git(sandbox, ['clone', '-q', '--bare', sandbox.cwd, bare], { cwd: sandbox.root });
    const result = latch(sandbox, ['hooks', 'install'], { cwd: bare });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'latch: this is a bare repository, with no work tree to scan; install the hooks in a clone\n',
    );
    expect(existsSync(join(bare, 'hooks', 'pre-push'))).toBe(false);
  });
});

describe('pre-commit hook', () => {
  it.each([
    [
      'a managed value',
      'src/db.ts',
      () => `export const password = '${value}';\n`,
      'managed secret myapp/dev/DB_PASSWORD',
    ],
    [
      'its base64',
      'k8s/secret.yaml',
      () => `password: ${Buffer.from(value).toString('base64')}\n`,
      'managed secret',
    ],
    ['its hex', 'dump.txt', () => `${Buffer.from(value).toString('hex')}\n`, 'managed secret'],
    [
      'its percent-encoding',
      'url.txt',
      () => `postgres://app:${encodeURIComponent(`${value}/@`)}@db\n`,
      'managed secret',
    ],
    ['a known format', 'ci.yml', () => `token: ${gitlabToken()}\n`, 'gitlab-personal-access-token'],
    [
      'a generic secret',
      'src/pay.ts',
      () => `const paymentToken = "${randomValue(32)}";\n`,
      'generic-secret-assignment',
    ],
    ['a .env file', 'config/.env', () => 'DATABASE_URL=postgres://localhost/dev\n', 'env-file-committed'],
  ])('refuses %s with the vault locked, and says what to do', (_kind, path, content, expected) => {
    install();
    const result = commit(path, content());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(expected);
    expect(result.stderr).toContain(`${path}:1:`);
    expect(result.stderr).toContain(`git restore --staged ${path}`);
    expect(result.stderr).toContain('latch:allow');
    expect(result.stderr).not.toContain(value);
    expect(git(sandbox, ['rev-list', '--count', 'HEAD'])).toBe('1');
  });

  it.each([
    ['as git decides', ''],
    ['with .gitattributes calling them text', '*.ps1 diff\n*.bin diff\n*.sqlite diff\n'],
  ])('refuses a managed value in a binary file or UTF-16 text, %s', (_kind, attributes) => {
    install();
    if (attributes) expect(commit('.gitattributes', attributes).code).toBe(0);
    const files = binaryLeaks(value, join(sandbox.root, 'scratch.db'));
    expect(Object.keys(files).length).toBe(hasSqlite ? 4 : 2);
    for (const [path, bytes] of Object.entries(files)) {
      const result = commit(path, bytes);
      expect(result.code, path).not.toBe(0);
      expect(result.stderr).toContain(`${path}:`);
      expect(result.stderr).toContain('managed secret myapp/dev/DB_PASSWORD');
      expect(result.stderr).not.toContain(value);
      git(sandbox, ['rm', '-q', '--cached', path]);
    }
    // Not ASCII: git's patch text would lose these bytes, so the blob itself is searched.
    const accented = `${randomValue(12)}\u00fcn\u00ef\u20ac${randomValue(8)}`;
    setSecret(sandbox, 'SIGNING_KEY', accented);
    const signed = commit('sign.ps1', Buffer.from(`\ufeff$key = "${accented}"\r\n`, 'utf16le'));
    expect(signed.code).not.toBe(0);
    expect(signed.stderr).toContain('sign.ps1:1:');
    expect(signed.stderr).toContain('managed secret myapp/dev/SIGNING_KEY');
    expect(signed.stderr).not.toContain(accented);
    expect(git(sandbox, ['rev-list', '--count', 'HEAD'])).toBe(attributes ? '2' : '1');
  });

  it('suggests a git restore that works for a name with a space or a leading dash', () => {
    install();
    writeRepoFile(sandbox, '-my notes.txt', `${value}\n`);
    git(sandbox, ['add', '--', '-my notes.txt']);
    const result = gitRun(sandbox, ['commit', '-qm', 'notes'], { env: locked });
    expect(result.code).not.toBe(0);
    const suggested = /`(git restore --staged [^`]+)`/.exec(result.stderr)?.[1];
    expect(suggested).toBe("git restore --staged -- '-my notes.txt'");
    const restore = spawnSync('sh', ['-c', suggested!], {
      cwd: sandbox.cwd,
      env: gitEnv(sandbox),
      encoding: 'utf8',
    });
    expect(restore.status, restore.stderr).toBe(0);
    expect(git(sandbox, ['diff', '--cached', '--name-only'])).toBe('');
  });

  it('lets a clean commit, an allowed line and a value-free example through', () => {
    install();
    expect(commit('README.md', '# hello\n').code).toBe(0);
    expect(commit('test/fixture.ts', `const v = '${value}'; // latch:allow fixture\n`).code).toBe(0);
    expect(commit('.env.example', 'DATABASE_URL=\n').code).toBe(0);
  });

  it('reads .latch-baseline.json, as the blocked commit suggests', () => {
    install();
    const blocked = commit('fixture.txt', `${value}\n`);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('latch scan --staged --write-baseline .latch-baseline.json');
    expect(
      latch(sandbox, ['scan', '--staged', '--write-baseline', '.latch-baseline.json'], { env: locked }).code,
    ).toBe(0);
    expect(gitRun(sandbox, ['commit', '-qm', 'accepted'], { env: locked }).code).toBe(0);
    // A new leak elsewhere is still refused.
    expect(commit('other.txt', `${value}\n`).code).not.toBe(0);
  });

  it('chains an existing hook, keeps its exit code, and uninstall restores it', () => {
    const hook = join(sandbox.cwd, '.git', 'hooks', 'pre-commit');
    const marker = join(sandbox.root, 'chained-ran');
    writeFileSync(hook, `#!/bin/sh\necho ran >> '${marker}'\nexit "\${CHAINED_EXIT:-0}"\n`);
    chmodSync(hook, 0o755);
    const original = readFileSync(hook, 'utf8');
    install();
    expect(latch(sandbox, ['hooks', 'status']).stdout).toContain(
      'pre-commit: installed, runs your previous hook first',
    );
    expect(commit('ok.txt', 'fine\n').code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('ran\n');
    writeRepoFile(sandbox, 'ok2.txt', 'fine\n');
    git(sandbox, ['add', 'ok2.txt']);
    const refused = gitRun(sandbox, ['commit', '-qm', 'x'], { env: { ...locked, CHAINED_EXIT: '3' } });
    expect(refused.code).not.toBe(0);
    expect(commit('leak.txt', value).code).not.toBe(0);
    expect(latch(sandbox, ['hooks', 'uninstall']).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(existsSync(`${hook}.latch-chained`)).toBe(false);
    expect(existsSync(join(sandbox.cwd, '.git', 'hooks', 'pre-push'))).toBe(false);
  });

  it('respects core.hooksPath', () => {
    git(sandbox, ['config', 'core.hooksPath', '.githooks']);
    install();
    expect(existsSync(join(sandbox.cwd, '.githooks', 'pre-commit'))).toBe(true);
    expect(existsSync(join(sandbox.cwd, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(commit('leak.txt', value).code).not.toBe(0);
  });

  it('works in linked worktrees, installed from either one', () => {
    const other = join(sandbox.root, 'linked');
    git(sandbox, ['worktree', 'add', '-q', '-b', 'feature', other]);
    install(other);
    const result = commit('leak.txt', `${value}\n`, other);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('managed secret myapp/dev/DB_PASSWORD');
    expect(commit('leak.txt', `${value}\n`).code).not.toBe(0);
  });

  it('falls back to latch on PATH, and says how to fix it when there is none', () => {
    install();
    const hook = join(sandbox.cwd, '.git', 'hooks', 'pre-commit');
    writeFileSync(
      hook,
      readFileSync(hook, 'utf8').replace(/^latch_bin=.*$/m, "latch_bin='/nonexistent/bin.js'"),
    );
    const result = commit('a.txt', 'fine\n');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('cannot find latch');
    expect(latch(sandbox, ['hooks', 'status']).stdout).toContain('missing');
    const bin = join(sandbox.root, 'path-bin');
    writeRepoFile(sandbox, 'latch', `#!/bin/sh\nexec '${process.execPath}' '${binary}' "$@"\n`, bin);
    chmodSync(join(bin, 'latch'), 0o755);
    writeRepoFile(sandbox, 'leak.txt', value);
    git(sandbox, ['add', 'leak.txt']);
    const viaPath = gitRun(sandbox, ['commit', '-qm', 'leak'], {
      env: { ...locked, PATH: `${bin}:${sandbox.env.PATH}` },
    });
    expect(viaPath.code).not.toBe(0);
    expect(viaPath.stderr).toContain('managed secret myapp/dev/DB_PASSWORD');
  });
});

describe('hooks without a usable scan index', () => {
  const indexFile = () => join(sandbox.home, 'scan-index');
  const keyFile = () => join(sandbox.home, 'scan-index.key');
  const rebuildLine =
    'latch: the scan index is missing or damaged, so managed values cannot be checked; run `latch scan --reindex` (unlocks the vault) and try again\n';
  const runHook = (hook: string, input = '') =>
    latch(sandbox, ['hooks', 'run', hook, ...(hook === 'pre-push' ? ['origin', 'url'] : [])], {
      env: locked,
      input,
    });
  const unlockedCommand = () => expect(latch(sandbox, ['ls']).code).toBe(0);

  it.each([
    ['deleted', () => rmSync(indexFile())],
    [
      'damaged',
      () => {
        const bytes = readFileSync(indexFile());
        bytes[bytes.length - 20]! ^= 1;
        writeFileSync(indexFile(), bytes);
      },
    ],
  ])('fail closed (exit 6) when the index is %s, until any unlocked command rebuilds it', (_kind, spoil) => {
    install();
    spoil();
    writeRepoFile(sandbox, 'notes.md', '# fine\n');
    git(sandbox, ['add', 'notes.md']);
    const head = git(sandbox, ['rev-parse', 'HEAD']);
    for (const result of [
      runHook('pre-commit'),
      runHook('pre-push', `refs/heads/main ${head} refs/heads/main ${'0'.repeat(40)}\n`),
      latch(sandbox, ['scan', '--staged'], { env: locked }),
    ]) {
      expect(result.code).toBe(6);
      expect(result.stderr).toBe(rebuildLine);
    }
    const blocked = gitRun(sandbox, ['commit', '-qm', 'notes'], { env: locked });
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('latch scan --reindex');
    expect(git(sandbox, ['rev-list', '--count', 'HEAD'])).toBe('1');
    // A files scan still warns and goes on.
    expect(latch(sandbox, ['scan', 'notes.md'], { env: locked }).code).toBe(0);
    unlockedCommand();
    expect(runHook('pre-commit').code).toBe(0);
    const leak = commit('leak.txt', `${value}\n`);
    expect(leak.code).not.toBe(0);
    expect(leak.stderr).toContain('managed secret myapp/dev/DB_PASSWORD');
  });

  it('refuses an index key that others can read, and an unlocked command replaces it', () => {
    install();
    const before = readFileSync(keyFile());
    chmodSync(keyFile(), 0o644);
    const refused = `latch: ${keyFile()} can be read or written by other users; run \`latch scan --reindex\` (unlocks the vault) to replace it\n`;
    writeRepoFile(sandbox, 'leak.txt', `${value}\n`);
    git(sandbox, ['add', 'leak.txt']);
    for (const result of [runHook('pre-commit'), latch(sandbox, ['scan', 'leak.txt'], { env: locked })]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(refused);
    }
    unlockedCommand();
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile()).equals(before)).toBe(false);
    const blocked = runHook('pre-commit');
    expect(blocked.code).toBe(5);
    expect(blocked.stderr).toContain('managed secret myapp/dev/DB_PASSWORD');
  });

  it('an empty LATCH_HOME (no vault) checks the rest and lets a clean commit through', () => {
    install();
    const empty = join(sandbox.root, 'other-home');
    mkdirSync(empty, { mode: 0o700 });
    const result = latch(sandbox, ['hooks', 'run', 'pre-commit'], { env: { ...locked, LATCH_HOME: empty } });
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('pre-push hook', () => {
  let remote: string;
  beforeEach(() => {
    remote = join(sandbox.root, 'remote.git');
    git(sandbox, ['init', '-q', '--bare', remote], { cwd: sandbox.root });
    git(sandbox, ['remote', 'add', 'origin', remote]);
    install();
    expect(gitRun(sandbox, ['push', '-q', 'origin', 'main'], { env: locked }).code).toBe(0);
  });

  const push = (...args: string[]) => gitRun(sandbox, ['push', 'origin', ...args], { env: locked });

  it('refuses a range whose leak a later commit removed', () => {
    writeRepoFile(sandbox, 'app.cfg', `password=${value}\n`);
    git(sandbox, ['add', 'app.cfg']);
    git(sandbox, ['commit', '-qm', 'leak', '--no-verify']);
    writeRepoFile(sandbox, 'app.cfg', 'password=\n');
    git(sandbox, ['commit', '-qam', 'oops, remove it', '--no-verify']);
    const result = push('main');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('push blocked');
    expect(result.stderr).toContain('app.cfg:1:10');
    expect(result.stderr).not.toContain(value);
    expect(git(sandbox, ['rev-parse', 'origin/main'])).not.toBe(git(sandbox, ['rev-parse', 'HEAD']));
  });

  it('checks every commit of a new branch, and lets a clean one through', () => {
    git(sandbox, ['checkout', '-q', '-b', 'clean']);
    writeRepoFile(sandbox, 'notes.md', 'nothing secret\n');
    git(sandbox, ['add', 'notes.md']);
    git(sandbox, ['commit', '-qm', 'notes']);
    expect(push('clean').code).toBe(0);
    git(sandbox, ['checkout', '-q', '-b', 'leaky']);
    writeRepoFile(sandbox, 'ci.yml', `token: ${gitlabToken()}\n`);
    git(sandbox, ['add', 'ci.yml']);
    git(sandbox, ['commit', '-qm', 'ci', '--no-verify']);
    writeRepoFile(sandbox, 'more.md', 'more\n');
    git(sandbox, ['add', 'more.md']);
    git(sandbox, ['commit', '-qm', 'more']);
    const result = push('leaky');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('ci.yml:1:8  gitlab-personal-access-token');
    expect(gitRun(sandbox, ['rev-parse', '--verify', '-q', 'refs/remotes/origin/leaky']).code).not.toBe(0);
    // Deleting a branch pushes no commit.
    expect(push('--delete', 'clean').code).toBe(0);
  });

  it('gives a chained pre-push hook the same arguments and standard input', () => {
    const hook = join(sandbox.cwd, '.git', 'hooks', 'pre-push');
    const record = join(sandbox.root, 'chained-input');
    latch(sandbox, ['hooks', 'uninstall']);
    writeFileSync(hook, `#!/bin/sh\necho "$1 $2" > '${record}'\ncat >> '${record}'\n`);
    chmodSync(hook, 0o755);
    install();
    git(sandbox, ['checkout', '-q', '-b', 'topic']);
    writeRepoFile(sandbox, 'x.md', 'x\n');
    git(sandbox, ['add', 'x.md']);
    git(sandbox, ['commit', '-qm', 'x']);
    expect(push('topic').code).toBe(0);
    const sha = git(sandbox, ['rev-parse', 'HEAD']);
    expect(readFileSync(record, 'utf8')).toBe(
      `origin ${remote}\nrefs/heads/topic ${sha} refs/heads/topic ${'0'.repeat(40)}\n`,
    );
  });
});
