/**
 * latch:// references end to end: `run --env-file`, references in the caller's environment,
 * and `inject` to stdout and to files, with the refusals.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox, writeSandboxFile } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
  latch(sandbox, ['set', 'API_KEY'], { input: 'dev-api-key-123456' });
  latch(sandbox, ['set', 'API_KEY', '--env', 'staging'], { input: 'staging-api-key-7890' });
});
afterEach(() => sandbox.cleanup());

const node = process.execPath;
/** `latch run --env-file FILE` of a child that creates `marker`: whether the child ran. */
const runTouching = (file: string, marker: string) =>
  latch(sandbox, [
    'run',
    '--env-file',
    file,
    '--',
    node,
    '-e',
    `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
  ]);
const printVariables = (names: string[]) =>
  `for (const n of ${JSON.stringify(names)}) console.log(n + '=' + process.env[n])`;

describe('latch run with references', () => {
  it('--env-file resolves references in all three forms, passes plain values, later files win', () => {
    latch(sandbox, ['set', 'OTHER_TOKEN', '--env', 'staging'], { input: 'other-token-abcdef' });
    const first = writeSandboxFile(
      sandbox,
      'first.env',
      [
        'SHORT_REF=latch://API_KEY',
        'ENV_REF=latch://staging/API_KEY',
        'FULL_REF=latch://myapp/staging/OTHER_TOKEN',
        'PLAIN=just text',
        'OVERRIDDEN=from first',
      ].join('\n'),
    );
    const second = writeSandboxFile(sandbox, 'second.env', 'OVERRIDDEN=from second\n');
    const names = ['SHORT_REF', 'ENV_REF', 'FULL_REF', 'PLAIN', 'OVERRIDDEN'];
    const args = ['run', '--env-file', first, '--env-file', second, '--'];
    const unmasked = latch(sandbox, [
      'run',
      '--no-mask',
      ...args.slice(1),
      node,
      '-e',
      printVariables(names),
    ]);
    expect(unmasked.code, unmasked.stderr).toBe(0);
    expect(unmasked.stdout).toBe(
      'SHORT_REF=dev-api-key-123456\nENV_REF=staging-api-key-7890\nFULL_REF=other-token-abcdef\nPLAIN=just text\nOVERRIDDEN=from second\n',
    );
    // Resolved values are masked like the environment's own secrets.
    const masked = latch(sandbox, [...args, node, '-e', printVariables(names)]);
    expect(masked.stdout).toBe(
      'SHORT_REF=<latch:API_KEY>\nENV_REF=<latch:ENV_REF>\nFULL_REF=<latch:FULL_REF>\nPLAIN=just text\nOVERRIDDEN=from second\n',
    );
  });

  it("resolves references in the caller's own environment", () => {
    const result = latch(sandbox, ['run', '--no-mask', '--', node, '-e', printVariables(['FROM_SHELL'])], {
      env: { FROM_SHELL: 'latch://staging/API_KEY' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('FROM_SHELL=staging-api-key-7890\n');
    const masked = latch(sandbox, ['run', '--', node, '-e', printVariables(['FROM_SHELL'])], {
      env: { FROM_SHELL: 'latch://staging/API_KEY' },
    });
    expect(masked.stdout).toBe('FROM_SHELL=<latch:FROM_SHELL>\n');
  });

  it('an unresolvable reference stops the start with exit 7 naming it, and the child never runs', () => {
    const file = writeSandboxFile(sandbox, 'bad.env', 'GOOD=latch://API_KEY\nBAD=latch://prod/NOPE\n');
    const marker = join(sandbox.root, 'ran');
    const result = runTouching(file, marker);
    expect(result.code).toBe(7);
    expect(result.stderr).toBe(
      'latch: unresolvable references: latch://myapp/prod/NOPE (BAD in an env file); set them with `latch set NAME --project P --env E`\n',
    );
    expect(() => lstatSync(marker)).toThrow();
    const fromShell = latch(sandbox, ['run', '--', 'true'], { env: { X: 'latch://nosuchproject/dev/A' } });
    expect(fromShell.code).toBe(7);
    expect(fromShell.stderr).toMatch(/latch:\/\/nosuchproject\/dev\/A \(\$X\)/);
  });

  it('--dry-run resolves references and lists their variables, never values', () => {
    const file = writeSandboxFile(sandbox, 'refs.env', 'FROM_FILE=latch://staging/API_KEY\n');
    const options = { env: { FROM_SHELL: 'latch://API_KEY' } };
    const json = latch(sandbox, ['run', '--dry-run', '--json', '--env-file', file, '--', 'true'], options);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ references: ['FROM_SHELL', 'FROM_FILE'], mask: true });
    const text = latch(sandbox, ['run', '--dry-run', '--no-mask', '--env-file', file, '--', 'true'], options);
    expect(text.stdout).toContain('references resolved for: FROM_SHELL, FROM_FILE\noutput masked: no\n');
    expect(json.stdout + text.stdout).not.toMatch(/api-key/);
    const bad = latch(sandbox, ['run', '--dry-run', '--', 'true'], { env: { X: 'latch://NOPE' } });
    expect(bad.code).toBe(7);
  });

  it('a malformed reference is a usage error (exit 2); a missing env file stops the start', () => {
    const file = writeSandboxFile(sandbox, 'odd.env', 'X=latch://a/b/c/d\n');
    const result = latch(sandbox, ['run', '--env-file', file, '--', 'true']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^latch: malformed reference "latch:\/\/a\/b\/c\/d"/);
    // Node itself (20 to at least 26) checks a `--env-file` word even after the script's name
    // and exits 9 when the file is missing, before latch runs; latch's own check says exit 4.
    const missing = latch(sandbox, ['run', '--env-file', 'nope.env', '--', 'true']);
    expect([4, 9]).toContain(missing.code);
    expect(missing.stderr).toMatch(/nope\.env.*not found|cannot read env file nope\.env \(ENOENT\)/);
  });

  it('an env file value with a NUL byte is refused in one line naming the variable, never the value', () => {
    const file = writeSandboxFile(
      sandbox,
      'nul.env',
      'FIRST=fine-value\nWITH_NUL=nul\u0000leaky-value-9f3\n',
    );
    for (const args of [
      ['run', '--env-file', file, '--', 'true'],
      ['run', '--dry-run', '--env-file', file, '--', 'true'],
    ]) {
      const result = latch(sandbox, args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(
        `latch: ${file}:2: the value of WITH_NUL holds a NUL byte, which an environment variable cannot; remove it\n`,
      );
      expect(result.stdout + result.stderr).not.toMatch(/leaky-value/);
    }
  });

  it('an env file that is not UTF-8 is refused naming the line; the program does not start', () => {
    const marker = join(sandbox.root, 'started');
    const file = writeSandboxFile(
      sandbox,
      'latin1.env',
      Buffer.from([0x4e, 0x41, 0x4d, 0x45, 0x3d, 0x63, 0xe9, 0x0a]),
    );
    const result = runTouching(file, marker);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`latch: ${file}:1: not UTF-8; convert the env file to UTF-8\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it('a reference into a protected environment needs a terminal', () => {
    latch(sandbox, ['set', 'API_KEY', '--env', 'prod'], { input: 'prod-value-123456' });
    const result = latch(sandbox, ['run', '--', 'true'], { env: { K: 'latch://prod/API_KEY' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/myapp\/prod is protected/);
  });
});

describe('latch inject', () => {
  const template = 'key: {{ latch://API_KEY }}\nstaging: {{latch://staging/API_KEY}}\nother: {{ name }}\n';
  const rendered = 'key: dev-api-key-123456\nstaging: staging-api-key-7890\nother: {{ name }}\n';

  it('a template that is not UTF-8 is refused naming the line, and no output file is made', () => {
    const input = writeSandboxFile(
      sandbox,
      'latin1.tpl',
      Buffer.concat([Buffer.from('key: {{ latch://API_KEY }}\nname: caf'), Buffer.from([0xe9, 0x0a])]),
    );
    const output = join(sandbox.root, 'latin1.conf');
    for (const args of [
      ['inject', '-i', input],
      ['inject', '-i', input, '-o', output],
    ]) {
      const result = latch(sandbox, args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`latch: template ${input}:2: not UTF-8; convert it to UTF-8 first\n`);
    }
    expect(existsSync(output)).toBe(false);
  });

  it('renders to stdout', () => {
    const input = writeSandboxFile(sandbox, 'app.tpl', template);
    const result = latch(sandbox, ['inject', '-i', input]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(rendered);
  });

  it('writes a new file 0600, refuses to overwrite without --force, replaces with it', () => {
    const input = writeSandboxFile(sandbox, 'app.tpl', template);
    const output = join(sandbox.root, 'app.conf');
    expect(latch(sandbox, ['inject', '-i', input, '-o', output]).code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(rendered);
    expect(lstatSync(output).mode & 0o777).toBe(0o600);
    writeFileSync(output, 'kept');
    const refused = latch(sandbox, ['inject', '-i', input, '-o', output]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`latch: ${output} exists; use --force to replace it\n`);
    expect(readFileSync(output, 'utf8')).toBe('kept');
    expect(latch(sandbox, ['inject', '-i', input, '-o', output, '--force']).code).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(rendered);
    expect(lstatSync(output).mode & 0o777).toBe(0o600);
  });

  it.each([[[]], [['--force']]])('removes what a killed inject left beside the output (%j)', (extra) => {
    const input = writeSandboxFile(sandbox, 'app.tpl', template);
    const output = join(sandbox.root, 'app.conf');
    // A temp file of a writer killed before its rename: the values in clear, its pid gone.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const orphan = join(sandbox.root, `app.conf.tmp-${gone}-0a0b0c0d0e0f`);
    writeFileSync(orphan, rendered.slice(0, 30), { mode: 0o600 });
    const result = latch(sandbox, ['inject', '-i', input, '-o', output, ...extra]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(rendered);
    expect(existsSync(orphan)).toBe(false);
  });

  it('refuses a symlink at -o, even with --force, and leaves its target alone', () => {
    const input = writeSandboxFile(sandbox, 'app.tpl', template);
    const target = writeSandboxFile(sandbox, 'target.txt', 'target');
    const link = join(sandbox.root, 'link.conf');
    symlinkSync(target, link);
    for (const extra of [[], ['--force']]) {
      const result = latch(sandbox, ['inject', '-i', input, '-o', link, ...extra]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/is a symbolic link/);
    }
    expect(readFileSync(target, 'utf8')).toBe('target');
    const dangling = join(sandbox.root, 'dangling.conf');
    symlinkSync(join(sandbox.root, 'nowhere'), dangling);
    expect(latch(sandbox, ['inject', '-i', input, '-o', dangling]).code).toBe(1);
    expect(() => lstatSync(join(sandbox.root, 'nowhere'))).toThrow();
  });

  it('an unresolvable reference exits 7 naming it and its line, and writes nothing', () => {
    const input = writeSandboxFile(
      sandbox,
      'bad.tpl',
      'a: {{ latch://API_KEY }}\nb: {{ latch://MISSING }}\n',
    );
    const output = join(sandbox.root, 'out.conf');
    const result = latch(sandbox, ['inject', '-i', input, '-o', output]);
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/latch:\/\/myapp\/dev\/MISSING \(.*bad\.tpl:2\)/);
    expect(result.stderr).not.toMatch(/dev-api-key/);
    expect(() => lstatSync(output)).toThrow();
  });

  it('outside a repository, full references need the project to trust the directory; short ones need a project', () => {
    const elsewhere = join(sandbox.root, 'tmp');
    const input = writeSandboxFile(sandbox, 'full.tpl', 'x={{ latch://myapp/staging/API_KEY }}');
    const result = latch(sandbox, ['inject', '-i', input], { cwd: elsewhere });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `latch: a reference (${input}:1) uses project myapp, which you use in ${sandbox.cwd}; trusting it gives ${elsewhere} its secrets: confirm on a terminal (no terminal here)\n`,
    );
    // In the project's own directory the same template is filled.
    expect(latch(sandbox, ['inject', '-i', input]).stdout).toBe('x=staging-api-key-7890');
    const short = writeSandboxFile(sandbox, 'short.tpl', 'x={{ latch://API_KEY }}');
    expect(latch(sandbox, ['inject', '-i', short], { cwd: elsewhere }).code).toBe(4);
  });

  it('a template without references is copied without unlocking the vault', () => {
    const input = writeSandboxFile(sandbox, 'plain.tpl', 'nothing {{ here }}\n');
    const result = latch(sandbox, ['inject', '-i', input], { env: { LATCH_PASSPHRASE: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('nothing {{ here }}\n');
  });

  it('a protected environment needs a terminal', () => {
    latch(sandbox, ['set', 'API_KEY', '--env', 'prod'], { input: 'prod-value-123456' });
    const input = writeSandboxFile(sandbox, 'prod.tpl', '{{ latch://prod/API_KEY }}');
    const result = latch(sandbox, ['inject', '-i', input]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
  });
});

describe('a directory reaches only the projects that trust it', () => {
  /** A cloned repository: its own latch.yaml (project evil) and a `.env` of references into myapp. */
  function evilClone(): string {
    const clone = join(sandbox.root, 'evil');
    mkdirSync(clone);
    writeFileSync(join(clone, 'latch.yaml'), 'project: evil\nenvironments:\n  dev: {}\nsecrets: []\n');
    writeFileSync(join(clone, '.env'), 'T=latch://myapp/dev/API_KEY\n');
    writeFileSync(join(clone, 'app.tpl'), 'key={{ latch://myapp/dev/API_KEY }}\n');
    return clone;
  }

  it('run --env-file from a clone exits 3 before its program sees a value (masking cannot catch `rev`)', () => {
    const clone = evilClone();
    const result = latch(sandbox, ['run', '--env-file', '.env', '--', 'sh', '-c', 'printf %s "$T" | rev'], {
      cwd: clone,
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `latch: a reference (T in an env file) uses project myapp, which you use in ${sandbox.cwd}; trusting it gives ${clone} its secrets: confirm on a terminal (no terminal here)\n`,
    );
    const fromShell = latch(sandbox, ['run', '--', 'sh', '-c', 'printf %s "$T" | rev'], {
      cwd: clone,
      env: { T: 'latch://myapp/dev/API_KEY' },
    });
    expect(fromShell.code).toBe(3);
    expect(fromShell.stdout + fromShell.stderr).not.toMatch(/321654-yek-ipa-ved|dev-api-key/);
  });

  it('inject from a clone, or from a directory without latch.yaml, exits 3 and prints nothing', () => {
    const clone = evilClone();
    const inClone = latch(sandbox, ['inject', '-i', 'app.tpl'], { cwd: clone });
    expect(inClone.code).toBe(3);
    expect(inClone.stdout).toBe('');
    const bare = join(sandbox.root, 'tmp');
    const outside = latch(sandbox, ['inject', '-i', join(clone, 'app.tpl')], { cwd: bare });
    expect(outside.code).toBe(3);
    expect(outside.stdout).toBe('');
    expect(outside.stderr).toMatch(/uses project myapp, .*; trusting it gives .*\/tmp its secrets/);
  });

  it('a project no directory uses yet is not given to a reference on first use', () => {
    const other = makeOtherProject();
    const file = writeSandboxFile(sandbox, 'other.env', `X=latch://${other}/dev/OTHER_TOKEN\n`);
    const result = latch(sandbox, ['run', '--env-file', file, '--', 'sh', '-c', 'printf %s "$X"']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/uses project otherapp, which no directory uses yet/);
  });
});

/** A second project in the same vault, with one secret; returns its name. */
function makeOtherProject(): string {
  const result = latch(sandbox, ['set', 'OTHER_TOKEN', '--project', 'otherapp'], {
    input: 'other-token-abcdef',
  });
  if (result.code !== 0) throw new Error(result.stderr);
  return 'otherapp';
}
