/** `latch scan` end to end: the built binary, a real vault, real git repositories. */
import { mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  binaryLeaks,
  git,
  gitlabToken,
  gitRun,
  hasSqlite,
  initRepository,
  locked,
  randomValue,
  setSecret,
  writeRepoFile,
} from './git-harness.js';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';

let sandbox: Sandbox;
let value: string;

beforeEach(() => {
  sandbox = makeSandbox();
  initRepository(sandbox);
  initProject(sandbox);
  value = `${randomValue(24)}+/=x`;
  setSecret(sandbox, 'API_SECRET', value);
});
afterEach(() => sandbox.cleanup());

const scan = (args: string[], env: Record<string, string | undefined> = locked) =>
  latch(sandbox, ['scan', ...args], { env });

describe('latch scan (files)', () => {
  it('finds managed values in every encoded form with the vault locked, and never prints them', () => {
    const bytes = Buffer.from(value);
    writeRepoFile(sandbox, 'raw.txt', `token = ${value}\n`);
    writeRepoFile(sandbox, 'b64.yaml', `data: ${bytes.toString('base64')}\n`);
    writeRepoFile(sandbox, 'hex.txt', `x ${bytes.toString('hex')}\n`);
    writeRepoFile(sandbox, 'url.txt', `https://h/?k=${encodeURIComponent(value)}\n`);
    writeRepoFile(
      sandbox,
      'basic.txt',
      `Authorization: Basic ${Buffer.from(`me:${value}`).toString('base64')}\n`,
    );
    writeRepoFile(sandbox, 'config.json', JSON.stringify({ nested: `a "${value}"` }));
    const result = scan(['--format', 'json']);
    expect(result.code).toBe(5);
    const report = JSON.parse(result.stdout);
    const byPath = Object.fromEntries(
      report.findings.map((finding: { path: string }) => [finding.path, finding]),
    );
    for (const path of ['raw.txt', 'b64.yaml', 'hex.txt', 'url.txt', 'basic.txt', 'config.json']) {
      expect(byPath[path], path).toMatchObject({
        ruleId: 'managed-value',
        secretNames: ['myapp/dev/API_SECRET'],
      });
    }
    expect(byPath['raw.txt']).toMatchObject({
      line: 1,
      column: 9,
      excerpt: 'token = [managed:myapp/dev/API_SECRET]',
    });
    const text = scan([]);
    for (const output of [result.stdout, result.stderr, text.stdout, text.stderr]) {
      expect(output).not.toContain(value);
      expect(output).not.toContain(Buffer.from(value).toString('hex'));
    }
    expect(text.stdout).toContain('raw.txt:1:9  managed secret myapp/dev/API_SECRET');
  });

  it('a scan that finds something writes a scan-block audit record: names, rules and files, never the value', () => {
    writeRepoFile(sandbox, 'raw.txt', `token = ${value}\n`);
    writeRepoFile(sandbox, 'ci.yml', `token: ${gitlabToken()}\n`);
    expect(scan([]).code).toBe(5);
    const records = JSON.parse(latch(sandbox, ['audit', '--json'], { env: locked }).stdout) as Record<
      string,
      unknown
    >[];
    const block = records.find((record) => record.event === 'scan-block');
    expect(block).toMatchObject({
      keyed: 'state',
      origin: 'scan',
      mode: 'files',
      findings: 2,
      secrets: ['myapp/dev/API_SECRET'],
      files: ['ci.yml', 'raw.txt'].sort(),
    });
    expect(block?.rules).toEqual(expect.arrayContaining(['managed-value']));
    const log = readFileSync(join(sandbox.home, 'audit.log'), 'utf8');
    expect(log).not.toContain(value);
    expect(latch(sandbox, ['audit', 'verify']).code).toBe(0);
  });

  it('scans tracked and untracked files but not ignored ones, and reports binary and large files', () => {
    writeRepoFile(sandbox, '.gitignore', 'ignored.txt\n');
    writeRepoFile(sandbox, 'ignored.txt', value);
    // The rules do not read binary files (managed values are still searched for in them).
    writeRepoFile(sandbox, 'bin.dat', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(gitlabToken())]));
    writeRepoFile(sandbox, 'big.txt', `${'a'.repeat(3000)}\n${value}\n`);
    writeRepoFile(sandbox, 'clean.txt', 'nothing here\n');
    const result = scan(['--max-size', '2k', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { path: 'bin.dat', reason: 'binary' },
        { path: 'big.txt', reason: 'too large' },
      ]),
    );
    expect(scan(['big.txt']).code).toBe(5);
  });

  it('spreads a large tree over worker threads and still finds everything, in order', () => {
    for (let index = 0; index < 300; index++) {
      const leak = index === 299 ? `k=${value}\n` : index === 150 ? `t: ${gitlabToken()}\n` : '';
      writeRepoFile(sandbox, `many/f${String(index).padStart(3, '0')}.txt`, `line ${index}\n${leak}`);
    }
    const result = scan(['--format', 'json']);
    expect(result.code).toBe(5);
    const report = JSON.parse(result.stdout);
    expect(report.scannedFiles).toBeGreaterThanOrEqual(300);
    expect(
      report.findings.map((finding: { path: string; ruleId: string }) => [finding.path, finding.ruleId]),
    ).toEqual([
      ['many/f150.txt', 'gitlab-personal-access-token'],
      ['many/f299.txt', 'managed-value'],
    ]);
  });

  it('scans every file of a directory that is not a git work tree', () => {
    const plain = join(sandbox.root, 'plain');
    writeRepoFile(sandbox, 'deep/er/file.txt', `k: ${value}`, plain);
    const result = latch(sandbox, ['scan', plain], { env: locked });
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('deep/er/file.txt:1:4');
  });

  it('finds managed values in binary files and UTF-16 text, in a work tree and a plain directory', () => {
    const files = binaryLeaks(value, join(sandbox.root, 'scratch.db'));
    const plain = join(sandbox.root, 'plain');
    for (const [name, bytes] of Object.entries(files)) {
      writeRepoFile(sandbox, name, bytes);
      writeRepoFile(sandbox, name, bytes, plain);
    }
    const names = Object.keys(files).sort();
    expect(names.length).toBe(hasSqlite ? 4 : 2);
    for (const target of [[], [plain]]) {
      const result = scan([...target, '--format', 'json']);
      expect(result.code, result.stderr).toBe(5);
      expect(result.stdout).not.toContain(value);
      const report = JSON.parse(result.stdout);
      const found = report.findings.filter((finding: { path: string }) => finding.path !== 'latch.yaml');
      expect(found.map((finding: { path: string }) => finding.path)).toEqual(names);
      for (const finding of found) {
        expect(finding).toMatchObject({ ruleId: 'managed-value', secretNames: ['myapp/dev/API_SECRET'] });
        expect(finding.excerpt).toMatch(
          /^\[managed:myapp\/dev\/API_SECRET\] \(in (binary content|UTF-16(LE|BE) text)\)$/,
        );
      }
      expect(found.find((finding: { path: string }) => finding.path === 'deploy.ps1')).toMatchObject({
        line: 1,
        excerpt: '[managed:myapp/dev/API_SECRET] (in UTF-16LE text)',
      });
    }
    git(sandbox, ['add', ...names]);
    const staged = scan(['--staged', '--format', 'json']);
    git(sandbox, ['commit', '-qm', 'binaries', '--no-verify']);
    const history = scan(['--history', '--format', 'json']);
    for (const result of [staged, history]) {
      expect(result.code, result.stderr).toBe(5);
      const paths = JSON.parse(result.stdout).findings.map((finding: { path: string }) => finding.path);
      expect(paths.filter((path: string) => path !== 'latch.yaml')).toEqual(names);
    }
  });

  it('scans a plain directory and a plain file without git on PATH', () => {
    const plain = join(sandbox.root, 'plain');
    writeRepoFile(sandbox, 'deep/file.txt', `k: ${value}\n`, plain);
    const noGit = join(sandbox.root, 'empty-bin');
    mkdirSync(noGit);
    const env = { ...locked, PATH: noGit };
    for (const [target, path] of [
      ['.', 'deep/file.txt'],
      ['deep/file.txt', 'deep/file.txt'],
    ]) {
      const result = latch(sandbox, ['scan', target!, '--format', 'json'], { env, cwd: plain });
      expect(result.code, result.stderr).toBe(5);
      expect(JSON.parse(result.stdout).findings.map((finding: { path: string }) => finding.path)).toEqual([
        path,
      ]);
    }
    // In a work tree latch still needs git, and says so.
    const inRepository = latch(sandbox, ['scan'], { env });
    expect(inRepository.code).toBe(1);
    expect(inRepository.stderr).toBe('latch: cannot run git (ENOENT); install git and try again\n');
  });

  it('scans a file whose name is not UTF-8, in a work tree, staged, committed and outside git', () => {
    const name = Buffer.from('caf\xe9.txt', 'latin1');
    const plain = join(sandbox.root, 'plain');
    mkdirSync(plain);
    for (const directory of [sandbox.cwd, plain])
      writeFileSync(Buffer.concat([Buffer.from(`${directory}/`), name]), `k: ${value}\n`);
    const paths = (args: string[]) => {
      const result = scan([...args, '--format', 'json']);
      expect(result.code, result.stderr).toBe(5);
      return JSON.parse(result.stdout).findings.map((finding: { path: string }) => finding.path);
    };
    expect(paths([])).toEqual(['caf\ufffd.txt']);
    expect(paths([plain])).toEqual(['caf\ufffd.txt']);
    git(sandbox, ['add', '.']);
    expect(paths(['--staged'])).toEqual(['caf\ufffd.txt']);
    git(sandbox, ['commit', '-qm', 'latin1', '--no-verify']);
    expect(paths(['--history'])).toEqual(['caf\ufffd.txt']);
  });

  it('finds earlier values and new values as soon as they are set', () => {
    const next = randomValue(30);
    setSecret(sandbox, 'API_SECRET', next);
    writeRepoFile(sandbox, 'old.txt', value);
    writeRepoFile(sandbox, 'new.txt', next);
    const result = scan([]);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('old.txt:1:1  managed secret myapp/dev/API_SECRET (an earlier value)');
    expect(result.stdout).toContain('new.txt:1:1  managed secret myapp/dev/API_SECRET  ');
  });

  it('keeps the index private and rebuilds it with --reindex', () => {
    const index = join(sandbox.home, 'scan-index');
    expect(statSync(index).mode & 0o777).toBe(0o600);
    expect(statSync(`${index}.key`).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(index);
    expect(bytes.includes(Buffer.from(value))).toBe(false);
    expect(bytes.includes(Buffer.from('API_SECRET'))).toBe(false);
    rmSync(index);
    writeRepoFile(sandbox, 'a.txt', value);
    const missing = scan([]);
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain('latch scan --reindex');
    expect(latch(sandbox, ['scan', '--reindex']).code).toBe(0);
    expect(scan([]).code).toBe(5);
  });

  it('an index key that is a directory is one line, exit 6; a write still succeeds and --reindex recovers', () => {
    const keyFile = join(sandbox.home, 'scan-index.key');
    rmSync(keyFile);
    mkdirSync(keyFile);
    const result = scan([]);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`latch: ${keyFile} is a directory, not a file latch wrote; move it aside\n`);
    rmdirSync(keyFile);
    expect(latch(sandbox, ['scan', '--reindex']).code).toBe(0);
    writeRepoFile(sandbox, 'a.txt', value);
    expect(scan([]).code).toBe(5);
  });

  it('replaces the index key on passwd and still finds values', () => {
    const keyFile = join(sandbox.home, 'scan-index.key');
    const before = readFileSync(keyFile);
    const changed = latch(sandbox, ['passwd'], { env: { LATCH_NEW_PASSPHRASE: 'another passphrase 2' } });
    expect(changed.code, changed.stderr).toBe(0);
    expect(readFileSync(keyFile).equals(before)).toBe(false);
    writeRepoFile(sandbox, 'a.txt', value);
    const result = scan([]);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe('');
  });

  it('honours latch:allow, .latchignore, and the baseline', () => {
    writeRepoFile(sandbox, 'allowed.ts', `const x = "${value}"; // latch:allow test fixture\n`);
    writeRepoFile(sandbox, 'fixtures/a.txt', value);
    writeRepoFile(sandbox, '.latchignore', '# test data\nfixtures/\n');
    expect(scan([]).code).toBe(0);
    writeRepoFile(sandbox, 'old.txt', `${value}\n`);
    expect(scan([]).code).toBe(5);
    expect(scan(['--write-baseline', 'baseline.json']).code).toBe(0);
    writeRepoFile(sandbox, 'old.txt', `moved down\n\n${value}\n`);
    expect(scan(['--baseline', 'baseline.json']).code).toBe(0);
    writeRepoFile(sandbox, 'new.txt', `${value}\n`);
    const result = scan(['--baseline', 'baseline.json']);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('new.txt');
    expect(result.stdout).not.toContain('old.txt');
    expect(readFileSync(join(sandbox.cwd, 'baseline.json'), 'utf8')).not.toContain(value);
  });

  it('writes SARIF 2.1.0 that validates against the official schema', () => {
    writeRepoFile(sandbox, 'src/app.ts', `const a = "${value}";\nconst b = "${gitlabToken()}";\n`);
    const result = scan(['--format', 'sarif']);
    expect(result.code).toBe(5);
    const log = JSON.parse(result.stdout);
    const schema = JSON.parse(
      readFileSync(new URL('../vectors/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
    );
    const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // The validator does reject what is not SARIF 2.1.0.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ message: {}, level: 'fatal' }] }] })).toBe(
      false,
    );
    const results = log.runs[0].results;
    expect(results.map((entry: { ruleId: string }) => entry.ruleId).sort()).toEqual([
      'gitlab-personal-access-token',
      'managed-value',
    ]);
    expect(results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 1, startColumn: 12 });
    const ruleIds = log.runs[0].tool.driver.rules.map((rule: { id: string }) => rule.id);
    expect(ruleIds).toContain('managed-value');
    expect(ruleIds).toContain('env-file-committed');
  });

  it('writes control characters of names, lines and authors as \\xNN in the text report', () => {
    writeRepoFile(sandbox, 'red\x1b[31m.txt', `k = ${value} \x1b]0;title\x07\x1b[2J\n`);
    writeRepoFile(sandbox, 'two\nlines.txt', `k = ${value}\n`);
    const files = scan([]);
    git(sandbox, ['add', '.']);
    const staged = scan(['--staged']);
    gitRun(sandbox, ['commit', '-qm', 'escapes', '--no-verify'], { env: { GIT_AUTHOR_NAME: 'Eve\x1b[2J' } });
    const history = scan(['--history']);
    for (const result of [files, staged, history]) {
      expect(result.code).toBe(5);
      expect(result.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(result.stdout).toContain('red\\x1b[31m.txt:1:5  managed secret');
      expect(result.stdout).toContain('two\\x0alines.txt:1:5  managed secret');
      expect(result.stdout).toContain('    k = [managed:myapp/dev/API_SECRET] \\x1b]0;title\\x07\\x1b[2J\n');
    }
    expect(history.stdout).toContain('Eve\\x1b[2J <author@example.com>');
  });

  it('scans the paths after --, so a name starting with a dash can be given', () => {
    writeRepoFile(sandbox, '-leak.txt', `token = ${value}\n`);
    writeRepoFile(sandbox, 'other.txt', `token = ${value}\n`);
    const found = scan(['--format', 'json', '--', '-leak.txt']);
    expect(found.code).toBe(5);
    expect(JSON.parse(found.stdout).findings.map((finding: { path: string }) => finding.path)).toEqual([
      '-leak.txt',
    ]);
    const missing = scan(['--', 'missing.txt']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe('latch: no such file or directory: missing.txt\n');
    expect(scan(['--staged', '--', '-leak.txt']).code).toBe(2);
  });

  it('refuses bad arguments with one line and exit 2', () => {
    for (const args of [
      ['--staged', '--history'],
      ['--range', 'a..b'],
      ['--format', 'xml'],
      ['--max-size', 'big'],
    ]) {
      const result = scan(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(latch(sandbox, ['scan', '--staged'], { cwd: sandbox.root, env: locked }).code).toBe(2);
  });
});

describe('latch scan --staged and --history', () => {
  it('scans only the added lines of the staged changes', () => {
    writeRepoFile(sandbox, 'a.txt', `${value}\n`);
    git(sandbox, ['add', 'a.txt']);
    expect(scan(['--staged']).code).toBe(5);
    git(sandbox, ['commit', '-qm', 'leak', '--no-verify']);
    writeRepoFile(sandbox, 'a.txt', `${value}\nmore\n`);
    git(sandbox, ['add', 'a.txt']);
    expect(scan(['--staged']).code).toBe(0);
    writeRepoFile(sandbox, 'a.txt', `${value}\nmore\n${Buffer.from(value).toString('base64')}\n`);
    git(sandbox, ['add', 'a.txt']);
    const result = scan(['--staged']);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('a.txt:3:1');
  });

  it('reports a staged or committed path with a space as it is (git ends it with a tab in the patch)', () => {
    writeRepoFile(sandbox, 'my notes.txt', `${value}\n`);
    writeRepoFile(sandbox, 'say "hi" now.txt', `${value}\n`);
    git(sandbox, ['add', '.']);
    const files = JSON.parse(scan(['--format', 'json']).stdout);
    const staged = JSON.parse(scan(['--staged', '--format', 'json']).stdout);
    git(sandbox, ['commit', '-qm', 'notes', '--no-verify']);
    const history = JSON.parse(scan(['--history', '--format', 'json']).stdout);
    for (const report of [files, staged, history]) {
      const found = report.findings.filter((finding: { path: string }) => finding.path !== 'latch.yaml');
      expect(found.map((finding: { path: string }) => finding.path)).toEqual([
        'my notes.txt',
        'say "hi" now.txt',
      ]);
      // The same fingerprints in every mode, so one baseline covers them.
      expect(found.map((finding: { fingerprint: string }) => finding.fingerprint)).toEqual(
        files.findings.map((finding: { fingerprint: string }) => finding.fingerprint),
      );
    }
    writeFileSync(join(sandbox.cwd, '.latchignore'), 'my notes.txt\nsay "hi" now.txt\n');
    expect(scan(['--history']).code).toBe(0);
  });

  it('scans text that .gitattributes calls binary, and still skips real binaries', () => {
    writeRepoFile(sandbox, '.gitattributes', '*.txt binary\n*.cfg -diff\n');
    writeRepoFile(sandbox, 'notes.txt', `k: ${value}\n`);
    writeRepoFile(sandbox, 'app.cfg', `first\nk: ${value}\n`);
    writeRepoFile(sandbox, 'logo.bin', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(gitlabToken())]));
    git(sandbox, ['add', '.']);
    const staged = scan(['--staged', '--format', 'json']);
    git(sandbox, ['commit', '-qm', 'attributes', '--no-verify']);
    const history = scan(['--history', '--format', 'json']);
    for (const result of [staged, history]) {
      expect(result.code).toBe(5);
      const report = JSON.parse(result.stdout);
      expect(
        report.findings.map((finding: { path: string; line: number }) => `${finding.path}:${finding.line}`),
      ).toEqual(['app.cfg:2', 'notes.txt:1']);
      expect(report.skipped.map((skipped: { path: string }) => skipped.path)).toEqual(['logo.bin']);
      expect(result.stdout).not.toContain(value);
    }
  });

  it('scans a large history in worker threads, keeping the order of commits', () => {
    const filler = `${'const x = computeSomething(42); // some ordinary code here\n'.repeat(1700)}`;
    for (let commit = 0; commit < 2; commit++) {
      for (let index = 0; index < 40; index++) {
        const leak = index === 39 ? (commit === 0 ? `k=${value}\n` : `t: ${gitlabToken()}\n`) : '';
        writeRepoFile(sandbox, `big/c${commit}/f${index}.ts`, `${filler}${leak}`);
      }
      git(sandbox, ['add', '.']);
      git(sandbox, ['commit', '-qm', `bulk ${commit}`, '--no-verify']);
    }
    const result = scan(['--history', '--format', 'json']);
    expect(result.code, result.stderr).toBe(5);
    const report = JSON.parse(result.stdout);
    expect(report.scannedBytes).toBeGreaterThan(8_000_000);
    // git log lists the newest commit first.
    expect(report.findings.map((finding: { path: string }) => finding.path)).toEqual([
      'big/c1/f39.ts',
      'big/c0/f39.ts',
    ]);
  });

  it('finds a leak in history after it was removed, with commit, author and date', () => {
    writeRepoFile(sandbox, 'conf/app.ini', 'x=1\n');
    git(sandbox, ['add', '.']);
    git(sandbox, ['commit', '-qm', 'first', '--no-verify']);
    const base = git(sandbox, ['rev-parse', 'HEAD']);
    writeRepoFile(sandbox, 'conf/app.ini', `x=1\nsecret=${value}\n`);
    git(sandbox, ['commit', '-qam', 'leak', '--no-verify']);
    const leak = git(sandbox, ['rev-parse', 'HEAD']);
    writeRepoFile(sandbox, 'conf/app.ini', 'x=1\n');
    git(sandbox, ['commit', '-qam', 'remove', '--no-verify']);
    expect(scan([]).code).toBe(0);
    const result = scan(['--history', '--format', 'json']);
    expect(result.code).toBe(5);
    const [finding] = JSON.parse(result.stdout).findings;
    expect(finding).toMatchObject({
      path: 'conf/app.ini',
      line: 2,
      column: 8,
      commit: { sha: leak, author: 'Test Author <author@example.com>' },
    });
    expect(scan(['--history', '--range', `${leak}..HEAD`]).code).toBe(0);
    expect(scan(['--history', '--range', `${base}..HEAD`]).code).toBe(5);
    // Other branches count too: --all by default.
    git(sandbox, ['checkout', '-q', '-b', 'side', base]);
    writeFileSync(join(sandbox.cwd, 'side.txt'), `${gitlabToken()}\n`);
    git(sandbox, ['add', 'side.txt']);
    git(sandbox, ['commit', '-qm', 'side', '--no-verify']);
    git(sandbox, ['checkout', '-q', 'main']);
    const all = scan(['--history']);
    expect(all.stdout).toContain('side.txt:1:1  gitlab-personal-access-token');
  });

  it("finds what a merge commit itself adds (a conflict resolution, an evil merge), not its parents' lines again", () => {
    writeRepoFile(sandbox, 'app.ini', 'a=1\nkey=old\n');
    git(sandbox, ['add', '.']);
    git(sandbox, ['commit', '-qm', 'base', '--no-verify']);
    git(sandbox, ['checkout', '-q', '-b', 'side']);
    writeRepoFile(sandbox, 'app.ini', 'a=1\nkey=side\n');
    writeRepoFile(sandbox, 'side.txt', `${gitlabToken()}\n`);
    git(sandbox, ['add', '.']);
    git(sandbox, ['commit', '-qm', 'side', '--no-verify']);
    git(sandbox, ['checkout', '-q', 'main']);
    writeRepoFile(sandbox, 'app.ini', 'a=1\nkey=main\n');
    git(sandbox, ['commit', '-qam', 'main', '--no-verify']);
    expect(gitRun(sandbox, ['merge', '-q', 'side']).code).not.toBe(0);
    writeRepoFile(sandbox, 'app.ini', `a=1\nkey=${value}\n`);
    writeRepoFile(sandbox, 'evil.txt', `x\ntoken: ${value}\n`);
    git(sandbox, ['add', '.']);
    git(sandbox, ['commit', '-qm', 'merge', '--no-verify']);
    const merge = git(sandbox, ['rev-parse', 'HEAD']);
    const result = scan(['--history', '--format', 'json']);
    expect(result.code).toBe(5);
    const found = JSON.parse(result.stdout).findings.map(
      (finding: { path: string; line: number; commit: { sha: string } }) =>
        `${finding.path}:${finding.line}${finding.commit.sha === merge ? ' (merge)' : ''}`,
    );
    expect(found.sort()).toEqual(['app.ini:2 (merge)', 'evil.txt:2 (merge)', 'side.txt:1']);
    expect(result.stdout).not.toContain(value);
  });

  it('a --range naming a revision the repository does not have is a usage error (exit 2), in one line', () => {
    writeFileSync(join(sandbox.cwd, 'a.txt'), 'nothing here\n');
    git(sandbox, ['add', '.']);
    git(sandbox, ['commit', '-qm', 'only', '--no-verify']);
    for (const range of ['no-such-branch..HEAD', 'HEAD~5..HEAD']) {
      const result = scan(['--history', '--range', range]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `latch: --range "${range}" names a revision this repository does not have; use one like main..HEAD\n`,
      );
    }
    expect(scan(['--history', '--range', 'HEAD']).code).toBe(0);
  });
});

describe('this repository', () => {
  it('passes its own scan: test fixtures that look like credentials carry latch:allow', () => {
    const repository = join(import.meta.dirname, '..', '..');
    const result = latch(sandbox, ['scan', repository], { env: locked });
    expect(result.code, result.stdout).toBe(0);
  });
});
