import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binary, initProject, latch, makeSandbox, type Sandbox, writeSandboxFile } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

describe('init', () => {
  it('creates a 0600 vault in a 0700 directory and a value-free latch.yaml', () => {
    const result = latch(sandbox, ['init']);
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(join(sandbox.home, 'vault')).mode & 0o777).toBe(0o600);
    expect(statSync(sandbox.home).mode & 0o777).toBe(0o700);
    const manifest = readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8');
    expect(manifest).toMatch(/project: myapp/);
    expect(manifest).toMatch(/prod/);
  });

  it('without a terminal or passphrase variable, exits 3 saying how to unlock', () => {
    const result = latch(sandbox, ['init'], { env: { LATCH_PASSPHRASE: undefined } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/LATCH_PASSPHRASE_FILE/);
  });

  it('reads the passphrase from LATCH_PASSPHRASE_FILE', () => {
    const file = writeSandboxFile(sandbox, 'pass.txt', 'from a file\n');
    expect(
      latch(sandbox, ['init'], { env: { LATCH_PASSPHRASE: undefined, LATCH_PASSPHRASE_FILE: file } }).code,
    ).toBe(0);
    expect(latch(sandbox, ['ls'], { env: { LATCH_PASSPHRASE: 'from a file' } }).code).toBe(0);
    expect(latch(sandbox, ['ls'], { env: { LATCH_PASSPHRASE: 'other' } }).code).toBe(3);
  });

  it('a LATCH_HOME that is a file is one line naming it (exit 1)', () => {
    const file = writeSandboxFile(sandbox, 'not-a-directory', 'x');
    for (const home of [file, join(file, 'below')]) {
      const result = latch(sandbox, ['init'], { env: { LATCH_HOME: home } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `latch: ${home} is not a directory; set LATCH_HOME to a directory of your own\n`,
      );
    }
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('refuses a LATCH_HOME that others can write, naming the fix', () => {
    chmodSync(sandbox.home, 0o777);
    const result = latch(sandbox, ['init']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/chmod 700/);
  });

  it('init --envs where latch.yaml exists is refused, not ignored, and changes nothing', () => {
    expect(latch(sandbox, ['init']).code).toBe(0);
    const manifest = readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8');
    const result = latch(sandbox, ['init', '--envs', 'qa,live']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^latch: \S+latch\.yaml already lists the environments; add one with `latch env add NAME`/,
    );
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).toBe(manifest);
  });
});

describe('a lost vault file (vault.prev is the only copy)', () => {
  const storedNames = () =>
    (JSON.parse(latch(sandbox, ['ls', '--json']).stdout) as { name: string; stored: boolean }[])
      .filter((row) => row.stored)
      .map((row) => row.name);
  it('says how to restore vault.prev, init refuses to replace it, and the restored vault verifies its log', () => {
    initProject(sandbox, ['--envs', 'dev']);
    expect(latch(sandbox, ['set', 'A'], { input: 'first-value-1' }).code).toBe(0);
    expect(latch(sandbox, ['set', 'B'], { input: 'second-value-2' }).code).toBe(0);
    expect(latch(sandbox, ['run', '--', 'true']).code).toBe(0);
    const vault = join(sandbox.home, 'vault');
    const previous = join(sandbox.home, 'vault.prev');
    const kept = readFileSync(previous);
    rmSync(vault);
    for (const args of [['ls'], ['status'], ['unlock'], ['lock'], ['set', 'C']]) {
      const result = latch(sandbox, args, { input: 'third-value-3' });
      expect(result.code, `${args}: ${result.stderr}`).toBe(4);
      expect(result.stderr).toBe(
        `latch: no vault in ${sandbox.home}, but vault.prev there holds its previous generation; restore it with \`cp -p vault.prev vault\` in that directory\n`,
      );
    }
    const init = latch(sandbox, ['init']);
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(/restore it with `cp -p vault\.prev vault`.+`latch init --discard-previous`/);
    expect(readFileSync(previous)).toEqual(kept);
    expect(readdirSync(sandbox.home)).not.toContain('vault');
    // Following the advice restores the data, and the log still verifies against it.
    copyFileSync(previous, vault);
    expect(storedNames()).toEqual(['A']);
    const verify = latch(sandbox, ['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(latch(sandbox, ['set', 'C'], { input: 'third-value-3' }).code).toBe(0);
    expect(latch(sandbox, ['audit', 'verify']).code).toBe(0);
  });

  it('init --discard-previous starts a new vault when the user gives vault.prev up', () => {
    initProject(sandbox, ['--envs', 'dev']);
    expect(latch(sandbox, ['set', 'A'], { input: 'first-value-1' }).code).toBe(0);
    rmSync(join(sandbox.home, 'vault'));
    const result = latch(sandbox, ['init', '--discard-previous']);
    expect(result.code, result.stderr).toBe(0);
    expect(storedNames()).toEqual([]);
  });
});

describe('a latch.yaml that is a symlink', () => {
  it('is written through: the target gets the edit and the link stays a link', () => {
    const shared = join(sandbox.root, 'shared');
    mkdirSync(shared);
    const target = join(shared, 'latch.yaml');
    writeFileSync(target, 'project: myapp\nenvironments:\n  dev: {}\nsecrets: []\n');
    const link = join(sandbox.cwd, 'latch.yaml');
    symlinkSync(target, link);
    initProject(sandbox);
    expect(latch(sandbox, ['set', 'THROUGH_LINK'], { input: 'linked-value-1' }).code).toBe(0);
    expect(latch(sandbox, ['env', 'add', 'qa']).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/name: THROUGH_LINK[\s\S]*qa:|qa:[\s\S]*name: THROUGH_LINK/);
    expect(readdirSync(sandbox.cwd)).toEqual(['latch.yaml']);
  });

  it('a link to nothing is one line, and stays as it was', () => {
    const link = join(sandbox.cwd, 'latch.yaml');
    symlinkSync(join(sandbox.root, 'missing.yaml'), link);
    const result = latch(sandbox, ['init']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `latch: ${link} is a symlink to a file that cannot be found (ENOENT); fix the link or remove it\n`,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});

describe('a command that fails for want of a vault', () => {
  it('writes nothing: no LATCH_HOME, no cache, nothing in an existing home', () => {
    writeFileSync(join(sandbox.cwd, 'latch.yaml'), 'project: myapp\nenvironments:\n  dev: {}\nsecrets: []\n');
    for (const args of [['ls'], ['run', '--', 'true'], ['get', 'A']]) {
      const result = latch(sandbox, args);
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toBe(`latch: no vault in ${sandbox.home}; create one with \`latch init\`\n`);
      expect(readdirSync(sandbox.home)).toEqual([]);
    }
    const missing = join(sandbox.root, 'no-home');
    expect(latch(sandbox, ['ls'], { env: { LATCH_HOME: missing } }).code).toBe(4);
    expect(readdirSync(sandbox.root)).not.toContain('no-home');
  });

  it('unlock with neither vault nor keychain reports the vault (exit 4), not the keychain', () => {
    const result = latch(sandbox, ['unlock'], { env: { LATCH_KEYCHAIN: 'off' } });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(`latch: no vault in ${sandbox.home}; create one with \`latch init\`\n`);
  });
});

describe('set, get, ls, rm', () => {
  beforeEach(() => initProject(sandbox));

  it('stores secrets and environments named like Object.prototype members (__proto__, constructor, toString)', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    for (const [index, name] of names.entries()) {
      const set = latch(sandbox, ['set', name], { input: `value-of-${index}-abcdef` });
      expect(set.code, set.stderr).toBe(0);
    }
    const listed = JSON.parse(latch(sandbox, ['ls', '--json']).stdout) as { name: string }[];
    expect(listed.map((entry) => entry.name).sort()).toEqual([...names].sort());
    for (const [index, name] of names.entries()) {
      expect(latch(sandbox, ['get', name, '--reveal']).stdout).toBe(`value-of-${index}-abcdef`);
    }
    const script = `process.stdout.write(${JSON.stringify(names)}.map((n) => process.env[n] ?? '-').join(','))`;
    const run = latch(sandbox, ['run', '--no-mask', '--', process.execPath, '-e', script]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(names.map((_, index) => `value-of-${index}-abcdef`).join(','));
    expect(latch(sandbox, ['run', '--env', 'constructor', '--', 'true']).code).toBe(4);
    expect(latch(sandbox, ['env', 'add', 'constructor']).code).toBe(0);
    const setThere = latch(sandbox, ['set', 'IN_CONSTRUCTOR', '--env', 'constructor'], {
      input: 'another-value',
    });
    expect(setThere.code, setThere.stderr).toBe(0);
    expect(latch(sandbox, ['get', 'IN_CONSTRUCTOR', '--env', 'constructor', '--reveal']).stdout).toBe(
      'another-value',
    );
  });

  it('a secret first set outside the default environment is declared for that environment only', () => {
    expect(
      latch(sandbox, ['set', 'STAGING_ONLY', '--env', 'staging'], { input: 'staging-value-1' }).code,
    ).toBe(0);
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).toMatch(
      /- name: STAGING_ONLY\n\s+environments: \[staging\]/,
    );
    const inDev = latch(sandbox, ['run', '--', 'true']);
    expect(inDev.code, inDev.stderr).toBe(0);
    expect(latch(sandbox, ['check', '--env', 'staging']).code).toBe(0);
  });

  it('stores a value from stdin, declares it in latch.yaml, and get shows metadata without the value', () => {
    const set = latch(sandbox, ['set', 'API_KEY', '--description', 'the api'], {
      input: 'sk-value-123456\n',
    });
    expect(set.code, set.stderr).toBe(0);
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).toMatch(/name: API_KEY/);
    const get = latch(sandbox, ['get', 'API_KEY']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/the api/);
    expect(get.stdout).not.toMatch(/sk-value/);
    expect(latch(sandbox, ['get', 'API_KEY', '--reveal']).stdout).toBe('sk-value-123456');
  });

  it('refuses a value on argv with exit 2 and an explanation', () => {
    for (const args of [
      ['set', 'API_KEY=hunter2hunter2'],
      ['set', 'API_KEY', 'hunter2hunter2'],
    ]) {
      const result = latch(sandbox, args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/visible to other processes/);
      expect(result.stderr).not.toMatch(/hunter2/);
    }
  });

  it('keeps every earlier value as a version', () => {
    for (const value of ['first-value', 'second-value', 'third-value'])
      latch(sandbox, ['set', 'TOKEN'], { input: value });
    const info = JSON.parse(latch(sandbox, ['get', 'TOKEN', '--json']).stdout);
    expect(info.versions).toBe(3);
    expect(latch(sandbox, ['get', 'TOKEN', '--reveal']).stdout).toBe('third-value');
  });

  it('stores a binary value from a file byte for byte', () => {
    const bytes = new Uint8Array(1024 * 1024 + 7).map((_, index) => (index * 31) & 0xff);
    const file = writeSandboxFile(sandbox, 'blob.bin', bytes);
    expect(latch(sandbox, ['set', 'BLOB', '--from-file', file]).code).toBe(0);
    const info = JSON.parse(latch(sandbox, ['get', 'BLOB', '--json', '--reveal']).stdout);
    expect(Buffer.from(info.valueBase64, 'base64').equals(Buffer.from(bytes))).toBe(true);
  });

  it('generates values with the requested length and charset', () => {
    expect(latch(sandbox, ['set', 'GEN', '--generate', '--length', '40', '--charset', 'hex']).code).toBe(0);
    expect(latch(sandbox, ['get', 'GEN', '--reveal']).stdout).toMatch(/^[0-9a-f]{40}$/);
  });

  it('stores a multi-line value and records metadata', () => {
    const pem = '-----BEGIN KEY-----\nAAAA\nBBBB\n-----END KEY-----';
    latch(sandbox, ['set', 'PEM', '--owner', 'alice', '--expires', '2000-01-01', '--rotate-every', '90d'], {
      input: pem,
    });
    const info = JSON.parse(latch(sandbox, ['get', 'PEM', '--json']).stdout);
    expect(info).toMatchObject({ owner: 'alice', expires: '2000-01-01', expired: true, rotateEvery: '90d' });
    expect(latch(sandbox, ['get', 'PEM', '--reveal']).stdout).toBe(pem);
  });

  it('ls lists names and status, never values; --json and --all work', () => {
    latch(sandbox, ['set', 'ONE'], { input: 'value-one-secret' });
    latch(sandbox, ['set', 'TWO', '--env', 'staging'], { input: 'value-two-secret' });
    const ls = latch(sandbox, ['ls']);
    expect(ls.stdout).toMatch(/ONE/);
    expect(ls.stdout).not.toMatch(/value-one/);
    const all = JSON.parse(latch(sandbox, ['ls', '--all', '--json']).stdout);
    expect(
      all.map((row: { environment: string; name: string }) => `${row.environment}/${row.name}`).sort(),
    ).toEqual(['dev/ONE', 'staging/TWO']);
  });

  it('rm deletes the secret; get then exits 4', () => {
    latch(sandbox, ['set', 'GONE'], { input: 'soon-to-be-gone' });
    expect(latch(sandbox, ['rm', 'GONE']).code).toBe(0);
    expect(latch(sandbox, ['get', 'GONE']).code).toBe(4);
    expect(latch(sandbox, ['rm', 'GONE']).code).toBe(4);
  });

  it('get --reveal is refused for an agent without a terminal, and for a protected environment', () => {
    latch(sandbox, ['set', 'AGENT_SEEN'], { input: 'agent-visible?' });
    const agent = latch(sandbox, ['get', 'AGENT_SEEN', '--reveal'], { env: { CLAUDECODE: '1' } });
    expect(agent.code).toBe(3);
    expect(agent.stdout).toBe('');
    latch(sandbox, ['set', 'PROD_KEY', '--env', 'prod'], { input: 'prod-value-123' });
    const prod = latch(sandbox, ['get', 'PROD_KEY', '--env', 'prod', '--reveal']);
    expect(prod.code).toBe(3);
    expect(prod.stdout).toBe('');
    expect(prod.stderr).toMatch(/protected/);
  });

  it('unknown flags and commands exit 2; a wrong passphrase exits 3', () => {
    expect(latch(sandbox, ['ls', '--bogus']).code).toBe(2);
    expect(latch(sandbox, ['frobnicate']).code).toBe(2);
    expect(latch(sandbox, ['ls'], { env: { LATCH_PASSPHRASE: 'nope' } }).code).toBe(3);
  });

  it('an error echoing a name with a newline or a terminal escape is still one printable line', () => {
    const manifest = join(sandbox.cwd, 'latch.yaml');
    const cases = [
      () => latch(sandbox, ['set', 'A\nlatch: injected line', '--generate']),
      () => latch(sandbox, ['get', 'X\u001b[2J\u001b]0;title\u0007']),
      () => {
        writeFileSync(manifest, 'project: "app\\e]0;title\\a"\nenvironments:\n  dev: {}\nsecrets: []\n');
        return latch(sandbox, ['ls']);
      },
    ];
    for (const run of cases) {
      const result = run();
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
      expect(result.stderr.split('\n')).toHaveLength(2);
      expect(result.stderr).toMatch(/\\x0a|\\x1b/);
    }
  });

  it.each([
    'ls prod',
    'check prod',
    'init other',
    'example out.env',
    'status now',
    'lock all',
    'passwd new',
    'env ls prod',
    'project ls myapp',
  ])('a word a command does not take is a usage error, not ignored: latch %s', (words) => {
    const args = words.split(' ');
    const manifest = readFileSync(join(sandbox.cwd, 'latch.yaml'));
    const result = latch(sandbox, args, { env: { LATCH_NEW_PASSPHRASE: 'a new passphrase' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^latch: [^\n]*usage: latch [^\n]*\n$/);
    expect(result.stdout).toBe('');
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'))).toEqual(manifest);
    expect(latch(sandbox, ['ls']).code).toBe(0);
  });
});

describe('import, example, check', () => {
  beforeEach(() => initProject(sandbox));

  it('imports a .env file without $ expansion and reports what it skipped', () => {
    const file = writeSandboxFile(
      sandbox,
      '.env',
      [
        '# comment',
        'export A_KEY=plain',
        'B_KEY="multi\\nline"',
        "C_KEY='$HOME literal'",
        'bad-name=x',
        'EMPTY=',
        'garbage',
      ].join('\r\n'),
    );
    const result = latch(sandbox, ['import', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.imported.map((entry: { name: string }) => entry.name)).toEqual([
      'A_KEY',
      'B_KEY',
      'C_KEY',
      'EMPTY',
    ]);
    expect(report.skipped.map((entry: { line: number }) => entry.line)).toEqual([5, 7]);
    expect(JSON.stringify(report)).not.toMatch(/plain|literal/);
    expect(latch(sandbox, ['get', 'B_KEY', '--reveal']).stdout).toBe('multi\nline');
    expect(latch(sandbox, ['get', 'C_KEY', '--reveal']).stdout).toBe('$HOME literal');
    expect(latch(sandbox, ['get', 'EMPTY', '--reveal', '--json']).stdout).toMatch(/"value": ""/);
  });

  it('refuses a .env file that is not UTF-8, naming the line, and stores nothing', () => {
    // Latin-1 "café": read leniently, the é would be stored as U+FFFD, not as written.
    const file = writeSandboxFile(
      sandbox,
      'latin1.env',
      Buffer.concat([Buffer.from('FIRST=first-value\nSECOND=caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const manifest = readFileSync(join(sandbox.cwd, 'latch.yaml'));
    const vault = readFileSync(join(sandbox.home, 'vault'));
    const result = latch(sandbox, ['import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^latch: \S+latin1\.env:2: not UTF-8[^\n]*\n$/);
    expect(result.stderr).not.toMatch(/first-value|caf/);
    expect(readFileSync(join(sandbox.home, 'vault'))).toEqual(vault);
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'))).toEqual(manifest);
    const bom = writeSandboxFile(sandbox, 'bom.env', '\ufeffWITH_BOM=bom-value-1\n');
    expect(latch(sandbox, ['import', bom]).code).toBe(0);
    expect(latch(sandbox, ['get', 'WITH_BOM', '--reveal']).stdout).toBe('bom-value-1');
  });

  it('example writes names and descriptions, never values', () => {
    latch(sandbox, ['set', 'DB_PASSWORD', '--description', 'postgres'], { input: 'pg-secret-value' });
    expect(latch(sandbox, ['example']).code).toBe(0);
    const text = readFileSync(join(sandbox.cwd, '.env.example'), 'utf8');
    expect(text).toMatch(/^DB_PASSWORD=$/m);
    expect(text).toMatch(/postgres/);
    expect(text).not.toMatch(/pg-secret-value/);
  });

  it('check exits 7 naming every missing required secret, 0 when complete, and warns on expiry', () => {
    const manifest = join(sandbox.cwd, 'latch.yaml');
    writeFileSync(
      manifest,
      `${readFileSync(manifest, 'utf8').replace(/secrets:.*$/ms, '')}secrets:\n  - name: NEED_ONE\n  - name: NEED_TWO\n  - name: OPTIONAL\n    required: false\n`,
    );
    const missing = latch(sandbox, ['check']);
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/NEED_ONE, NEED_TWO/);
    latch(sandbox, ['set', 'NEED_ONE', '--expires', '2001-01-01'], { input: 'value-number-one' });
    latch(sandbox, ['set', 'NEED_TWO'], { input: 'value-number-two' });
    const ok = latch(sandbox, ['check']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/NEED_ONE.*expired/);
    expect(JSON.parse(latch(sandbox, ['check', '--json']).stdout)).toMatchObject({
      ok: true,
      expired: ['NEED_ONE'],
    });
  });

  it('a malformed manifest is one line with its line number', () => {
    writeFileSync(
      join(sandbox.cwd, 'latch.yaml'),
      'project: myapp\nenvironments:\n  dev: {}\nsecrets:\n  - name: A\n    value: hunter2\n',
    );
    const result = latch(sandbox, ['ls']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/latch\.yaml:6/);
  });

  it('a latch.yaml that is not UTF-8 is refused, not rewritten with U+FFFD', () => {
    const path = join(sandbox.cwd, 'latch.yaml');
    const latin1 = Buffer.concat([
      Buffer.from(
        `${readFileSync(path, 'utf8').replace(/secrets:.*$/ms, '')}secrets:\n  - name: A\n    description: caf`,
      ),
      Buffer.from([0xe9, 0x0a]),
    ]);
    writeFileSync(path, latin1);
    const vault = readFileSync(join(sandbox.home, 'vault'));
    for (const args of [['ls'], ['set', 'B', '--generate']]) {
      const result = latch(sandbox, args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^latch: \S+latch\.yaml:\d+: not UTF-8[^\n]*\n$/);
    }
    expect(readFileSync(path)).toEqual(latin1);
    expect(readFileSync(join(sandbox.home, 'vault'))).toEqual(vault);
  });

  it('a directory named latch.yaml is one clear line, exit 2', () => {
    rmSync(join(sandbox.cwd, 'latch.yaml'));
    mkdirSync(join(sandbox.cwd, 'latch.yaml'));
    for (const args of [['ls'], ['init'], ['example']]) {
      const result = latch(sandbox, args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^latch: \S+latch\.yaml is a directory; latch\.yaml must be a file\n$/);
    }
  });

  it.runIf(process.platform !== 'win32')('a FIFO named latch.yaml is refused at once, not waited on', () => {
    rmSync(join(sandbox.cwd, 'latch.yaml'));
    expect(spawnSync('mkfifo', [join(sandbox.cwd, 'latch.yaml')]).status).toBe(0);
    const result = latch(sandbox, ['ls'], { timeout: 10_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /^latch: \S+latch\.yaml is not a regular file; latch\.yaml must be a file\n$/,
    );
  });
});

describe('passwd, env, project, completion', () => {
  beforeEach(() => initProject(sandbox));

  it('passwd re-wraps: the old passphrase stops working, the data stays', () => {
    latch(sandbox, ['set', 'KEEP'], { input: 'kept-across-passwd' });
    const result = latch(sandbox, ['passwd'], { env: { LATCH_NEW_PASSPHRASE: 'the new passphrase' } });
    expect(result.code, result.stderr).toBe(0);
    expect(latch(sandbox, ['ls']).code).toBe(3);
    expect(
      latch(sandbox, ['get', 'KEEP', '--reveal'], { env: { LATCH_PASSPHRASE: 'the new passphrase' } }).stdout,
    ).toBe('kept-across-passwd');
  });

  it('env add, ls and rm keep latch.yaml and the vault in step', () => {
    expect(latch(sandbox, ['env', 'add', 'ci']).code).toBe(0);
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).toMatch(/ci:/);
    latch(sandbox, ['set', 'CI_TOKEN', '--env', 'ci'], { input: 'ci-token-value' });
    const envs = JSON.parse(latch(sandbox, ['env', 'ls', '--json']).stdout);
    expect(envs.find((env: { name: string }) => env.name === 'ci')).toMatchObject({ secrets: 1 });
    expect(latch(sandbox, ['env', 'rm', 'ci']).code).toBe(2);
    expect(latch(sandbox, ['env', 'rm', 'ci', '--force']).code).toBe(0);
    expect(readFileSync(join(sandbox.cwd, 'latch.yaml'), 'utf8')).not.toMatch(/ci:/);
    expect(latch(sandbox, ['ls', '--env', 'ci']).code).toBe(4);
  });

  it('project ls and rm (removing its secrets)', () => {
    latch(sandbox, ['set', 'P_KEY'], { input: 'project-secret-1' });
    expect(JSON.parse(latch(sandbox, ['project', 'ls', '--json']).stdout)).toEqual([
      { name: 'myapp', environments: ['dev', 'prod', 'staging'], secrets: 1 },
    ]);
    expect(latch(sandbox, ['project', 'rm', 'myapp']).code).toBe(3);
    // --force skips the question about the data, not prod's protection (a person, on a terminal).
    const forced = latch(sandbox, ['project', 'rm', 'myapp', '--force']);
    expect(forced.code).toBe(3);
    expect(forced.stderr).toMatch(/^latch: project myapp has protected environments \(prod\); /);
    expect(JSON.parse(latch(sandbox, ['project', 'ls', '--json']).stdout)).toHaveLength(1);
    latch(sandbox, ['set', 'LOOSE', '--project', 'loose'], { input: 'loose-value-1' });
    expect(latch(sandbox, ['project', 'rm', 'loose']).code).toBe(2);
    expect(latch(sandbox, ['project', 'rm', 'loose', '--force']).code).toBe(0);
    expect(JSON.parse(latch(sandbox, ['project', 'ls', '--json']).stdout)).toHaveLength(1);
  });

  it.each(['bash', 'zsh', 'fish'])('completion %s mentions every command', (shell) => {
    const result = latch(sandbox, ['completion', shell]);
    expect(result.code).toBe(0);
    for (const command of ['init', 'set', 'run', 'passwd', 'completion'])
      expect(result.stdout).toContain(command);
  });

  it('--project works without a manifest', () => {
    const elsewhere = sandbox.root;
    expect(
      latch(sandbox, ['set', 'LOOSE', '--project', 'other'], { input: 'loose-value-1', cwd: elsewhere }).code,
    ).toBe(0);
    expect(
      latch(sandbox, ['get', 'LOOSE', '--project', 'other', '--reveal'], { cwd: elsewhere }).stdout,
    ).toBe('loose-value-1');
    expect(latch(sandbox, ['ls'], { cwd: elsewhere }).code).toBe(4);
  });
});

describe('a repository cannot take over or weaken a project it does not own', () => {
  beforeEach(() => initProject(sandbox));

  function cloneWithManifest(text: string): string {
    const other = join(sandbox.root, 'cloned');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'latch.yaml'), text);
    return other;
  }

  it('a latch.yaml elsewhere that names an existing project is refused without a terminal', () => {
    latch(sandbox, ['set', 'OWNED'], { input: 'owned-secret-value' });
    const other = cloneWithManifest('project: myapp\nenvironments:\n  dev: {}\nsecrets:\n  - name: OWNED\n');
    const result = latch(sandbox, ['run', '--', 'sh', '-c', 'echo "$OWNED"'], { cwd: other });
    expect(result.code).toBe(3);
    expect(result.stdout).not.toMatch(/owned-secret/);
    expect(result.stderr).toMatch(/names project myapp/);
    expect(latch(sandbox, ['init'], { cwd: other }).code).toBe(3);
  });

  it("a manifest saying prod: {} does not remove prod's protection", () => {
    latch(sandbox, ['set', 'PROD_ONLY', '--env', 'prod'], { input: 'prod-only-value' });
    const path = join(sandbox.cwd, 'latch.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/prod: \{ protected: true \}.*$/m, 'prod: {}'));
    expect(latch(sandbox, ['set', 'OTHER', '--env', 'prod'], { input: 'another-prod-value' }).code).toBe(0);
    const result = latch(sandbox, ['get', 'PROD_ONLY', '--env', 'prod', '--reveal']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/protected/);
  });
});

describe('edges', () => {
  beforeEach(() => initProject(sandbox));

  it('set stores nothing when the manifest edit would fail', () => {
    const result = latch(
      sandbox,
      ['set', 'LEAKY', '--description', 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5'], // latch:allow (a made-up token)
      { input: 'some-value-here' },
    );
    expect(result.code).toBe(2);
    expect(latch(sandbox, ['get', 'LEAKY']).code).toBe(4);
  });

  it('a short new passphrase is refused from any source', () => {
    const result = latch(sandbox, ['passwd'], { env: { LATCH_NEW_PASSPHRASE: 'short' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at least 8/);
    expect(latch(sandbox, ['ls']).code).toBe(0);
  });

  it('passwd also re-wraps vault.prev, so the old passphrase opens neither generation', () => {
    latch(sandbox, ['set', 'GEN'], { input: 'generation-value' });
    expect(latch(sandbox, ['passwd'], { env: { LATCH_NEW_PASSPHRASE: 'the new passphrase' } }).code).toBe(0);
    copyFileSync(join(sandbox.home, 'vault.prev'), join(sandbox.home, 'vault'));
    expect(latch(sandbox, ['ls']).code).toBe(3);
    expect(latch(sandbox, ['ls'], { env: { LATCH_PASSPHRASE: 'the new passphrase' } }).code).toBe(0);
  });

  it('env works whatever LATCH_ENV says', () => {
    expect(latch(sandbox, ['env', 'add', 'qa'], { env: { LATCH_ENV: 'qa' } }).code).toBe(0);
    expect(latch(sandbox, ['env', 'ls'], { env: { LATCH_ENV: 'nowhere' } }).code).toBe(0);
  });

  it('a device or pipe named as an input file is refused at the size limit, not read forever', () => {
    const before = readFileSync(join(sandbox.home, 'vault'));
    const template = writeSandboxFile(sandbox, 'zero.tpl', '{{ latch://X }}');
    for (const [args, env] of [
      [['set', 'ZERO', '--from-file', '/dev/zero'], {}],
      [['import', '/dev/zero'], {}],
      [['inject', '-i', '/dev/zero'], {}],
      [['scan', '--baseline', '/dev/zero', template], {}],
      [['ls'], { LATCH_PASSPHRASE_FILE: '/dev/zero' }],
    ] as const) {
      // Without a bound, /dev/zero fills memory until the timeout kills latch.
      const result = latch(sandbox, [...args], { env, timeout: 10_000 });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^latch: \S+ is larger than \d+ bytes\n$/);
    }
    expect(readFileSync(join(sandbox.home, 'vault'))).toEqual(before);
  });

  it('an output path in a missing directory, or that is a directory, is one line naming it', () => {
    expect(latch(sandbox, ['set', 'OUT'], { input: 'output-value-1' }).code).toBe(0);
    const template = writeSandboxFile(sandbox, 'out.tpl', '{{ latch://OUT }}\n');
    const missing = join(sandbox.root, 'no-such-directory', 'file');
    const directory = join(sandbox.root, 'a-directory');
    mkdirSync(directory);
    for (const [args, path, reason] of [
      [['example', '-o', missing], missing, 'ENOENT'],
      [['example', '-o', directory], directory, 'EISDIR'],
      [['scan', '--write-baseline', missing, template], missing, 'ENOENT'],
      [['inject', '-i', template, '-o', missing], missing, 'ENOENT'],
      [['inject', '-i', template, '-o', directory, '--force'], directory, 'EISDIR'],
    ] as const) {
      const result = latch(sandbox, [...args]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toBe(
        `latch: cannot write ${path} (${reason}): ${reason === 'EISDIR' ? 'it is a directory' : `${join(sandbox.root, 'no-such-directory')} is not a directory that exists`}\n`,
      );
    }
    expect(readdirSync(directory)).toEqual([]);
  });

  it('a latch.yaml that cannot be rewritten after the value is stored is a warning; the set is audited', () => {
    // A directory whose path leaves room for latch.yaml but not for latch.yaml's temp file
    // under PATH_MAX (4096): a write that fails even for root, who ignores permissions.
    let project = join(sandbox.root, 'deep');
    while (project.length < 4080 - 200) project = join(project, 'd'.repeat(200));
    project = join(project, 'p'.repeat(4080 - project.length - 1));
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'latch.yaml'), 'project: deep\nenvironments:\n  dev: {}\nsecrets: []\n');
    const before = readFileSync(join(project, 'latch.yaml'));
    const result = latch(sandbox, ['set', 'STORED'], { input: 'stored-value-1', cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^latch: warning: stored, but not declared in latch\.yaml: cannot write \S+ \(ENAMETOOLONG\)/m,
    );
    expect(result.stderr).not.toMatch(/stored-value-1/);
    expect(readFileSync(join(project, 'latch.yaml'))).toEqual(before);
    const elsewhere = ['--project', 'deep', '--env', 'dev'];
    expect(latch(sandbox, ['get', 'STORED', '--reveal', ...elsewhere]).stdout).toBe('stored-value-1');
    expect(latch(sandbox, ['audit', '--secret', 'STORED', '--json']).stdout).toMatch(/"set"/);
  });

  it('--length without --generate is a usage error', () => {
    expect(latch(sandbox, ['set', 'X', '--length', '20'], { input: 'value-value' }).code).toBe(2);
  });

  it('a closed stdout pipe ends quietly (no stack trace)', () => {
    // 1 MiB is far beyond a pipe buffer, so latch is still writing when head exits.
    const file = writeSandboxFile(sandbox, 'big.txt', 'x'.repeat(1024 * 1024));
    expect(latch(sandbox, ['set', 'BIG', '--from-file', file]).code).toBe(0);
    const result = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${binary}" get BIG --reveal | head -c 10`],
      {
        cwd: sandbox.cwd,
        env: sandbox.env,
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('xxxxxxxxxx');
    expect(result.stderr).toBe('');
  });
});
