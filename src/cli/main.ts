/**
 * The CLI's one runner: parses argv, loads and runs the command, and maps errors to one
 * line and an exit code. It returns the code; only cli.ts exits.
 */
import { LatchError } from '../shared/errors.js';
import { fullDiskCodes, noRoomMessage } from '../shared/files.js';
import { resolveLatchHome } from '../shared/home.js';
import type { Io } from '../shared/io.js';
import { printable } from '../shared/utf8.js';
import { parseArgs, renderHelp } from './args.js';
import { commands } from './command-table.js';
import { findCommand } from './commands.js';
import { version } from './version.js';

function renderUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'usage: latch COMMAND [OPTIONS]',
    '',
    'latch keeps development secrets in an encrypted vault on this machine and hands them',
    'to programs at exec time only.',
    '',
    'commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run `latch COMMAND --help` for a command's options.",
    '',
  ].join('\n');
}

/**
 * An error message as one printable line: a name typed with a newline, or a latch.yaml that
 * holds terminal escapes, is echoed escaped (`\x0a`, `\x1b`), so it can neither split the line
 * scripts read nor drive the user's terminal. Tabs are escaped too: one line, one field.
 */
function oneLine(message: string): string {
  return printable(message).replaceAll('\t', '\\x09');
}

/** Runs one latch invocation; returns the exit code. Never throws. */
export async function runMain(argv: string[], io: Io): Promise<number> {
  // Only latch's own words count: a `--debug` after `--` belongs to the child of `run`.
  const separator = argv.indexOf('--');
  const debug = (separator < 0 ? argv : argv.slice(0, separator)).includes('--debug');
  // Global options are accepted anywhere, before the command's name too (`latch --debug ls`).
  const leading = argv.findIndex((word) => word !== '--debug');
  const [name, ...rest] = leading < 0 ? [] : argv.slice(leading);
  try {
    // `latch help set` is `latch set --help`.
    if (name === 'help' && rest.length > 0) return await runMain([...rest, '--help'], io);
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(renderUsage());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V') {
      io.stdout.write(`${version}\n`);
      return 0;
    }
    // The session agent (src/session/agent.ts): hidden, started by latch itself.
    if (name === '__session-agent') {
      const { runAgent } = await import('../session/agent.js');
      return await runAgent(io, resolveLatchHome(io.env));
    }
    // The process that clears the clipboard after `copy` (src/clipboard/clearer.ts): hidden.
    if (name === '__clipboard-clear') {
      const { runClearer } = await import('../clipboard/clearer.js');
      return await runClearer(io, resolveLatchHome(io.env));
    }
    const command = findCommand(name);
    if (!command)
      throw new LatchError('E_USAGE', `unknown command "${name}"; run \`latch --help\` for the list`);
    const args = parseArgs(command, rest);
    if (args.options.help) {
      io.stdout.write(renderHelp(command));
      return 0;
    }
    const { run } = await command.load();
    return await run(args, io);
  } catch (error) {
    if (error instanceof LatchError) {
      for (const line of [error.message, ...error.details]) io.stderr.write(`latch: ${oneLine(line)}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const code = (error as NodeJS.ErrnoException).code;
    // Node's argument errors end with `Received <the argument>`, which may be a value.
    const message = (error instanceof Error ? error.message : String(error)).replace(/\. Received .*$/s, '');
    io.stderr.write(
      code && fullDiskCodes.has(code)
        ? `latch: ${noRoomMessage(oneLine(message))}\n`
        : `latch: unexpected error${code ? ` (${code})` : ''}: ${oneLine(message)}; rerun with --debug for details\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
