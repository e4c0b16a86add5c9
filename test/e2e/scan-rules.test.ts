/** `.latch/scan-rules.yaml` end to end: a real repository, `latch scan` and the installed pre-commit hook. */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, gitRun, initRepository, locked, writeRepoFile } from './git-harness.js';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';

let sandbox: Sandbox;

const rulesFile = `rules:
  - id: acme-deploy-token
    description: ACME deploy token
    regex: 'acme_dt_([a-z0-9]{24})'
    keywords: [acme_dt_]
    entropy: 3.5
    allow: ['^sandbox']
    severity: high
`;
/** A random body in the rule's alphabet: entropy well over 3.5 bits. */
const token = () =>
  `acme_dt_${[...randomBytes(24)].map((byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36]).join('')}`;

beforeEach(() => {
  sandbox = makeSandbox();
  initRepository(sandbox);
  initProject(sandbox);
  writeRepoFile(sandbox, '.latch/scan-rules.yaml', rulesFile);
  git(sandbox, ['add', 'latch.yaml', '.latch/scan-rules.yaml']);
  git(sandbox, ['commit', '-qm', 'manifest and scan rules']);
  const installed = latch(sandbox, ['hooks', 'install']);
  expect(installed.code, installed.stderr).toBe(0);
});
afterEach(() => sandbox.cleanup());

function commit(path: string, content: string) {
  writeRepoFile(sandbox, path, content);
  git(sandbox, ['add', path]);
  return gitRun(sandbox, ['commit', '-qm', `add ${path}`], { env: locked });
}

describe('custom scan rules', () => {
  it('the pre-commit hook blocks a token of a custom rule, and lets its allowed and low-entropy look-alikes through', () => {
    const secret = token();
    const blocked = commit('deploy.sh', `export TOKEN=${secret}\n`);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('deploy.sh:1:');
    expect(blocked.stderr).toContain('acme-deploy-token');
    expect(blocked.stderr).not.toContain(secret);
    git(sandbox, ['rm', '-q', '--cached', 'deploy.sh']);
    const allowed = commit('docs.md', `use acme_dt_sandbox${'0'.repeat(17)} or acme_dt_${'ab'.repeat(12)}\n`);
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('latch scan reports the custom rule with its severity, in the worker threads too and in history', () => {
    const secret = token();
    // 300 files: enough for the scan to split them over worker threads.
    for (let index = 0; index < 300; index++)
      writeRepoFile(sandbox, `src/f${index}.ts`, `export const n${index} = ${index};\n`);
    writeRepoFile(sandbox, 'src/f299.ts', `const token = '${secret}';\n`);
    writeRepoFile(sandbox, 'src/f1.ts', `const token = '${token()}';\n`);
    const scan = latch(sandbox, ['scan', '--format', 'json', 'src'], { env: locked });
    expect(scan.code, scan.stderr).toBe(5);
    const findings = JSON.parse(scan.stdout).findings as {
      path: string;
      ruleId: string;
      severity?: string;
    }[];
    expect(findings.map((finding) => [finding.path, finding.ruleId, finding.severity])).toEqual([
      ['src/f1.ts', 'acme-deploy-token', 'high'],
      ['src/f299.ts', 'acme-deploy-token', 'high'],
    ]);
    const sarif = JSON.parse(latch(sandbox, ['scan', '--format', 'sarif', 'src'], { env: locked }).stdout);
    const run = sarif.runs[0];
    const index = run.results[0].ruleIndex;
    expect(run.tool.driver.rules[index]).toMatchObject({
      id: 'acme-deploy-token',
      properties: { provider: 'Custom' },
    });
    git(sandbox, ['add', 'src']);
    expect(gitRun(sandbox, ['commit', '-qm', 'sources', '--no-verify']).code).toBe(0);
    const history = latch(sandbox, ['scan', '--history'], { env: locked });
    expect(history.code, history.stderr).toBe(5);
    // The secret is the rule's first group: after the `acme_dt_` prefix.
    expect(history.stdout).toContain('src/f299.ts:1:24  acme-deploy-token');
  });

  it('a bad rules file stops scan and hook with exit 2, one line per bad rule naming file, rule and problem', () => {
    writeRepoFile(
      sandbox,
      '.latch/scan-rules.yaml',
      "rules:\n  - id: broken\n    regex: '(unclosed'\n  - regex: 'x+'\n  - id: slow\n    regex: '(a+)+$'\n  - id: loose\n    regex: 'z*'\n    color: red\n",
    );
    const scan = latch(sandbox, ['scan', 'latch.yaml'], { env: locked });
    expect(scan.code).toBe(2);
    expect(scan.stderr.trimEnd().split('\n')).toEqual([
      'latch: .latch/scan-rules.yaml: rule "broken": regex is not a valid regular expression (Unterminated group)',
      'latch: .latch/scan-rules.yaml: rule 2: has no id; add `id: my-rule-name`',
      'latch: .latch/scan-rules.yaml: rule "slow": regex is too slow on a long line (catastrophic backtracking); avoid nested quantifiers like (a+)+ and bound repeats like {1,64}',
      'latch: .latch/scan-rules.yaml: rule "loose": unknown key "color"; the keys are id, description, regex, keywords, entropy, allow, severity',
      'latch: .latch/scan-rules.yaml: rule "loose": regex matches the empty string; make it require at least one character',
    ]);
    // git reports a failed hook as its own exit 1; the hook's message is latch's.
    const hook = commit('notes.txt', 'nothing secret\n');
    expect(hook.code).toBe(1);
    expect(hook.stderr).toContain('latch: .latch/scan-rules.yaml: rule "slow": regex is too slow');
  });

  it('refuses a rules file over 256 KiB', () => {
    writeRepoFile(sandbox, '.latch/scan-rules.yaml', `# ${'x'.repeat(300 * 1024)}\nrules: []\n`);
    const scan = latch(sandbox, ['scan', 'latch.yaml'], { env: locked });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toBe('latch: .latch/scan-rules.yaml is larger than 256 KiB; trim it\n');
  });
});
