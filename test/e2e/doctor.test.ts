/**
 * `latch doctor` as built, on a repository with 5,000 commits (made with git fast-import):
 * within 3 s here, with the history walk's figures in --json.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
});
afterEach(() => sandbox.cleanup());

/** A fast-import stream of `count` commits, each changing two files; one adds a .env with a value. */
function history(count: number): string {
  const parts: string[] = [];
  for (let index = 1; index <= count; index++) {
    const files = [`M 644 inline src/file-${index % 50}.js\ndata <<EOF\nexport const n = ${index};\nEOF\n`];
    files.push(`M 644 inline docs/notes-${index % 7}.md\ndata <<EOF\nnote ${index}\nEOF\n`);
    if (index === 1234)
      files.push('M 644 inline config/.env\ndata <<EOF\nAPI_TOKEN=committed-long-ago\nEOF\n');
    if (index === 1235) files.push('D config/.env\n');
    const message = `commit ${index}`;
    parts.push(
      `commit refs/heads/main\nmark :${index}\ncommitter T <t@example.com> ${1_700_000_000 + index} +0000\ndata ${message.length}\n${message}\n${index > 1 ? `from :${index - 1}\n` : ''}${files.join('')}\n`,
    );
  }
  return parts.join('');
}

describe('latch doctor on a large history', () => {
  it('reads 5,000 commits within 3 s and finds the old .env', () => {
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: sandbox.cwd });
    execFileSync('git', ['fast-import', '--quiet'], { cwd: sandbox.cwd, input: history(5000) });
    execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: sandbox.cwd });
    initProject(sandbox);
    const passphraseFile = join(sandbox.root, 'passphrase');
    writeFileSync(passphraseFile, sandbox.env.LATCH_PASSPHRASE!);
    const env = { LATCH_PASSPHRASE: undefined, LATCH_PASSPHRASE_FILE: passphraseFile };
    expect(latch(sandbox, ['hooks', 'install'], { env }).code).toBe(0);
    const started = Date.now();
    const result = latch(sandbox, ['doctor', '--json'], { env });
    const elapsed = Date.now() - started;
    const report = JSON.parse(result.stdout);
    expect(report.history).toMatchObject({ commits: 5000, stoppedEarly: false });
    expect(report.problems.map((problem: { check: string }) => problem.check)).toEqual([
      'env-file-in-history',
    ]);
    expect(report.problems[0].commits).toHaveLength(1);
    expect(result.stdout).not.toContain('committed-long-ago');
    expect(result.code).toBe(5);
    console.log(
      `latch doctor, 5,000 commits: ${elapsed} ms in all, history walk ${report.history.elapsedMs} ms`,
    );
    expect(elapsed).toBeLessThan(3_000);
  });
});
