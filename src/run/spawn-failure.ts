/**
 * A child that could not be started, as one line with the shells' exit codes: 127 for a
 * command that is not there, 126 for one that cannot run. Shared by `latch run`'s child
 * (child.ts) and the captured child of the MCP server's run tool (captured-child.ts).
 */
import { existsSync } from 'node:fs';
import { LatchError } from '../shared/errors.js';

/** A failed start as one line; the shells' exit codes: 127 for a command that is not there, 126 for one that cannot run. */
export function spawnFailure(error: NodeJS.ErrnoException, command: string): Error {
  // A script whose #! interpreter is missing fails with ENOENT too; say which is missing.
  if (error.code === 'ENOENT' && /[\\/]/.test(command) && existsSync(command))
    return new LatchError(
      'E_NOT_FOUND',
      `cannot run ${command}: the interpreter on its #! line was not found`,
      {
        exitCode: 126,
      },
    );
  if (error.code === 'ENOENT')
    return new LatchError('E_NOT_FOUND', `command not found: ${command}`, { exitCode: 127 });
  if (error.code === 'EACCES')
    return new LatchError('E_IO', `permission denied: ${command}`, { exitCode: 126 });
  if (error.code === 'E2BIG')
    return new LatchError(
      'E_TOO_LARGE',
      `cannot start ${command}: its environment and arguments are larger than the system allows (E2BIG); give large values to it as a file with \`latch inject\``,
    );
  return error;
}
