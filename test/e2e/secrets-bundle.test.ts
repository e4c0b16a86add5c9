/**
 * `latch bundle` and `latch run --bundle` as a user runs them, with the Go `age` tool for
 * interop both ways (Debian's `age`, installed by .ci/run).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAge } from './age-tool.js';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  latch(sandbox, ['set', 'API_KEY'], { input: 'bundle-api-value-1' });
  latch(sandbox, ['set', 'DB_URL'], { input: 'bundle-db-value-22' });
});
afterEach(() => sandbox.cleanup());

/** A password file for LATCH_BUNDLE_PASSWORD_FILE. */
function passwordFile(password: string): string {
  const path = join(sandbox.root, `password-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `${password}\n`);
  return path;
}

/** `latch bundle create --generate-password`; returns the printed password. */
function createBundle(extra: string[] = [], env: Record<string, string> = {}): string {
  const result = latch(sandbox, ['bundle', 'create', '--generate-password', ...extra], { env });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe('latch bundle create and inspect', () => {
  it('writes an armored age file that `age -d` opens, with the generated password printed once', async () => {
    const password = createBundle();
    expect(password).toMatch(/^[a-z]{4}(-[a-z]{4}){8}$/);
    const file = join(sandbox.cwd, 'secrets.encrypted');
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(text).not.toContain('bundle-api-value-1');
    const opened = await runAge(['-d', file], password, sandbox.cwd);
    expect(opened.code, opened.output).toBe(0);
    const document = JSON.parse(opened.output.slice(opened.output.indexOf('{')));
    expect(document).toMatchObject({ format: 'latch-bundle/1', project: 'myapp', environment: 'dev' });
    expect(document.secrets).toEqual([
      { name: 'API_KEY', value: 'bundle-api-value-1' },
      { name: 'DB_URL', value: 'bundle-db-value-22' },
    ]);
  });

  it('the create output says what the lockout protects and what one guess costs here', () => {
    const result = latch(sandbox, ['bundle', 'create', '--generate-password']);
    expect(result.stderr).toMatch(/one guess costs \d+\.\d\d s of scrypt on this machine/);
    expect(result.stderr).toContain('a copy of the file attacked offline is protected only by');
  });

  it('inspect shows names and metadata after the password, never values', () => {
    const password = createBundle();
    const result = latch(sandbox, ['bundle', 'inspect', 'secrets.encrypted', '--json'], {
      env: { LATCH_BUNDLE_PASSWORD_FILE: passwordFile(password) },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      format: 'latch-bundle/1',
      project: 'myapp',
      environment: 'dev',
      secrets: ['API_KEY', 'DB_URL'],
    });
    expect(result.stdout + result.stderr).not.toContain('bundle-api-value-1');
  });

  it('a typed password under 60 bits is refused with the reason, unless --weak-password', () => {
    const weak = { LATCH_BUNDLE_PASSWORD_FILE: passwordFile('hunter22') };
    const refused = latch(sandbox, ['bundle', 'create'], { env: weak });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/too weak \(about \d+ bits, under 60: only 8 characters\)/);
    expect(latch(sandbox, ['bundle', 'create', '--weak-password'], { env: weak }).code).toBe(0);
  });

  it('a file `age -p` wrote is refused unless it holds a latch bundle document', async () => {
    const plain = join(sandbox.root, 'notes.txt');
    writeFileSync(plain, 'API_KEY=not-a-bundle\n');
    const other = join(sandbox.root, 'notes.age');
    expect((await runAge(['-p', '-o', other, plain], 'shared words here', sandbox.root)).code).toBe(0);
    const env = { LATCH_BUNDLE_PASSWORD_FILE: passwordFile('shared words here') };
    const refused = latch(sandbox, ['bundle', 'inspect', other], { env });
    expect(refused.code).toBe(6);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/notes\.age: it opened, but it is not a latch bundle/);

    const document = join(sandbox.root, 'doc.json');
    writeFileSync(
      document,
      JSON.stringify({
        format: 'latch-bundle/1',
        project: 'myapp',
        environment: 'dev',
        created: '2026-06-01T00:00:00Z',
        secrets: [{ name: 'API_KEY', value: 'from-age-tool-1' }],
      }),
    );
    const bundle = join(sandbox.root, 'made-by-age.age');
    expect((await runAge(['-p', '-a', '-o', bundle, document], 'shared words here', sandbox.root)).code).toBe(
      0,
    );
    const accepted = latch(sandbox, ['bundle', 'inspect', bundle], { env });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain('secrets (1): API_KEY');
  });

  it('a wrong password is exit 3; a damaged bundle or a non-age file is exit 6, naming it', () => {
    createBundle();
    const wrong = latch(sandbox, ['bundle', 'inspect', 'secrets.encrypted'], {
      env: { LATCH_BUNDLE_PASSWORD_FILE: passwordFile('not the password') },
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('wrong password for secrets.encrypted');
    const file = join(sandbox.cwd, 'secrets.encrypted');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 60));
    const truncated = latch(sandbox, ['bundle', 'inspect', 'secrets.encrypted'], {
      env: { LATCH_BUNDLE_PASSWORD_FILE: passwordFile('x') },
    });
    expect(truncated.code).toBe(6);
    expect(truncated.stderr).toContain('secrets.encrypted');
    writeFileSync(file, 'API_KEY=hello\n');
    const notAge = latch(sandbox, ['bundle', 'inspect', 'secrets.encrypted'], {
      env: { LATCH_BUNDLE_PASSWORD_FILE: passwordFile('x') },
    });
    expect(notAge.code).toBe(6);
    expect(notAge.stderr).toContain('secrets.encrypted is not an age file');
  });

  it('refuses a bundle larger than the limit without reading it all', () => {
    const big = join(sandbox.root, 'big.age');
    writeFileSync(big, Buffer.alloc(17 * 1024 * 1024, 0x41));
    const result = latch(sandbox, ['bundle', 'inspect', big], {
      env: { LATCH_BUNDLE_PASSWORD_FILE: passwordFile('x') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/big\.age is larger than \d+ bytes/);
    expect(statSync(big).size).toBeGreaterThan(16 * 1024 * 1024);
    expect(readdirSync(sandbox.home)).not.toContain('bundle-attempts');
  });
});

/** Every file under `directory`, recursively (symlinks not followed). */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const printEnv =
  'process.stdout.write(JSON.stringify({a: process.env.API_KEY, d: process.env.DB_URL, x: process.env.EXTRA}))';

describe('latch run --bundle', () => {
  /** A bundle made in the sandbox, then the values removed from the vault. */
  function bundleOnly(): Record<string, string> {
    const password = createBundle();
    expect(latch(sandbox, ['rm', 'API_KEY']).code).toBe(0);
    expect(latch(sandbox, ['rm', 'DB_URL']).code).toBe(0);
    return { LATCH_BUNDLE_PASSWORD_FILE: passwordFile(password) };
  }

  it('injects the bundle values, masks them, and writes none of them to any file', () => {
    const env = bundleOnly();
    const masked = latch(
      sandbox,
      ['run', '--bundle', 'secrets.encrypted', '--', process.execPath, '-e', printEnv],
      {
        env,
      },
    );
    expect(masked.code, masked.stderr).toBe(0);
    expect(masked.stdout).not.toContain('bundle-api-value-1');
    expect(JSON.parse(masked.stdout).a).toBe('<latch:API_KEY>');
    const shown = latch(
      sandbox,
      ['run', '--no-mask', '--bundle', 'secrets.encrypted', '--', process.execPath, '-e', printEnv],
      { env },
    );
    expect(JSON.parse(shown.stdout)).toEqual({ a: 'bundle-api-value-1', d: 'bundle-db-value-22' });
    // The vault holds no copy (they were removed), and no file anywhere holds one: LATCH_HOME,
    // the work tree, TMPDIR (all under the sandbox root), nor the system temp directory.
    const files = [
      ...filesUnder(sandbox.root),
      ...filesUnder(tmpdir()).filter((file) => file.includes('latch')),
    ];
    expect(files.length).toBeGreaterThan(5);
    const holding = files.filter((file) => {
      try {
        const bytes = readFileSync(file);
        return bytes.includes('bundle-api-value-1') || bytes.includes('bundle-db-value-22');
      } catch {
        return false;
      }
    });
    expect(holding).toEqual([]);
  });

  it('runs on a machine with no vault: the bundle alone, nothing decrypted left in any file', () => {
    const password = createBundle();
    const other = makeSandbox();
    try {
      const cwd = join(other.root, 'myapp');
      writeFileSync(join(cwd, 'latch.yaml'), readFileSync(join(sandbox.cwd, 'latch.yaml')));
      writeFileSync(join(cwd, 'secrets.encrypted'), readFileSync(join(sandbox.cwd, 'secrets.encrypted')));
      const env = { LATCH_BUNDLE_PASSWORD_FILE: passwordFile(password), LATCH_PASSPHRASE: undefined };
      const result = latch(
        other,
        ['run', '--no-mask', '--bundle', 'secrets.encrypted', '--', process.execPath, '-e', printEnv],
        { env, cwd },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ a: 'bundle-api-value-1', d: 'bundle-db-value-22' });
      expect(latch(other, ['run', '--', 'true'], { env, cwd }).code).toBe(4);
      const holding = filesUnder(other.root).filter((file) =>
        readFileSync(file).includes('bundle-api-value-1'),
      );
      expect(holding).toEqual([]);
    } finally {
      other.cleanup();
    }
  });

  it('the vault value wins over the bundle value; the bundle fills the rest', () => {
    const env = bundleOnly();
    latch(sandbox, ['set', 'API_KEY'], { input: 'vault-wins-value-3' });
    const result = latch(
      sandbox,
      ['run', '--no-mask', '--bundle', 'secrets.encrypted', '--', process.execPath, '-e', printEnv],
      { env },
    );
    expect(JSON.parse(result.stdout)).toEqual({ a: 'vault-wins-value-3', d: 'bundle-db-value-22' });
    const audit = latch(sandbox, ['audit', '--json']);
    const runs = JSON.parse(audit.stdout).filter((record: { event: string }) => record.event === 'run');
    expect(runs.at(-1).bundle).toEqual(['DB_URL']);
  });

  it('a required secret the bundle provides is not missing; undeclared names are listed, not injected', () => {
    const path = join(sandbox.cwd, 'latch.yaml');
    latch(sandbox, ['set', 'EXTRA'], { input: 'extra-value-in-it' });
    const env = bundleOnly();
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        /secrets:.*$/ms,
        'secrets:\n  - name: API_KEY\n    required: true\n',
      ),
    );
    const result = latch(
      sandbox,
      ['run', '--no-mask', '--bundle', 'secrets.encrypted', '--', process.execPath, '-e', printEnv],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ a: 'bundle-api-value-1' });
    expect(result.stderr).toContain(
      'in the bundle but not declared in latch.yaml for dev (not injected): DB_URL, EXTRA',
    );
  });

  it('refuses a bundle for another project or environment unless --project/--env agree', () => {
    const env = bundleOnly();
    const other = latch(sandbox, ['run', '--env', 'staging', '--bundle', 'secrets.encrypted', '--', 'true'], {
      env,
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      'the bundle is for environment dev, not staging; pass --env dev to use it',
    );
    const project = latch(
      sandbox,
      ['run', '--project', 'shop', '--bundle', 'secrets.encrypted', '--', 'true'],
      { env },
    );
    expect(project.code).toBe(2);
    expect(project.stderr).toContain(
      'the bundle is for project myapp, not shop; pass --project myapp to use it',
    );
  });
});

describe('latch bundle import', () => {
  it('stores the bundle in the vault of another machine; run then injects the values without --bundle', () => {
    const password = createBundle();
    const other = makeSandbox();
    try {
      initProject(other);
      writeFileSync(join(other.cwd, 'latch.yaml'), readFileSync(join(sandbox.cwd, 'latch.yaml')));
      writeFileSync(
        join(other.cwd, 'secrets.encrypted'),
        readFileSync(join(sandbox.cwd, 'secrets.encrypted')),
      );
      const env = { LATCH_BUNDLE_PASSWORD_FILE: passwordFile(password) };
      const imported = latch(other, ['bundle', 'import', 'secrets.encrypted'], { env });
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toBe('created: API_KEY\ncreated: DB_URL\nimported 2 secrets into myapp/dev\n');
      const result = latch(other, ['run', '--no-mask', '--', process.execPath, '-e', printEnv]);
      expect(JSON.parse(result.stdout)).toEqual({ a: 'bundle-api-value-1', d: 'bundle-db-value-22' });
      expect(latch(other, ['bundle', 'import', 'secrets.encrypted'], { env }).stdout).toContain(
        'unchanged: API_KEY',
      );
    } finally {
      other.cleanup();
    }
  });

  it('refuses a bundle for another project', () => {
    const password = createBundle();
    const result = latch(sandbox, ['bundle', 'import', 'secrets.encrypted', '--project', 'shop'], {
      env: { LATCH_BUNDLE_PASSWORD_FILE: passwordFile(password) },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the bundle is for project myapp, not shop');
  });
});
