/**
 * The Go `age` tool (Debian's `age` package) for interop tests. It reads passphrases from
 * the terminal only, so it runs under util-linux `script` (a pty) and each prompt is answered.
 */
import { spawn } from 'node:child_process';

export interface AgeResult {
  code: number;
  /** Everything the pty showed: prompts, then the output when it goes to stdout. */
  output: string;
}

/** Runs `age ARGS` on a pty, typing `passphrase` at each passphrase prompt. */
export function runAge(args: string[], passphrase: string, cwd: string): Promise<AgeResult> {
  const quoted = ['age', ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qefc', quoted, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let answered = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const prompts = output.match(/passphrase[^:]*:/gi)?.length ?? 0;
    while (answered < prompts) {
      child.stdin.write(`${passphrase}\r`);
      answered++;
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code: code ?? 1, output });
    });
  });
}
