/**
 * The one error type latch throws on purpose. Each carries a stable code string and the
 * process exit code from DESIGN.md; the CLI entry point maps it to one line on stderr.
 * Messages are lowercase, say what to do next, and never contain a secret value.
 */

/** Exit codes shared by every command (DESIGN.md, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  leak: 5,
  corrupt: 6,
  missing: 7,
} as const;

export type ErrorCode =
  | 'E_USAGE'
  | 'E_VALUE_ON_ARGV'
  | 'E_LOCKED'
  | 'E_BAD_PASSPHRASE'
  | 'E_CONFIRMATION_REQUIRED'
  | 'E_NOT_FOUND'
  | 'E_NO_VAULT'
  | 'E_NO_MANIFEST'
  | 'E_TAMPERED'
  | 'E_UNSUPPORTED_FORMAT'
  | 'E_MISSING_REQUIRED'
  | 'E_MANIFEST'
  | 'E_UNSAFE_PERMISSIONS'
  | 'E_EXISTS'
  | 'E_TOO_LARGE'
  | 'E_LOCK_TIMEOUT'
  | 'E_NO_KEYCHAIN'
  | 'E_SCAN_RULES'
  | 'E_IO'
  | 'E_NOT_FOR_YOU'
  | 'E_UNACCEPTED_RECIPIENT'
  | 'E_CONFLICT'
  | 'E_CLIPBOARD';

const exitCodeOf: Record<ErrorCode, number> = {
  E_USAGE: ExitCode.usage,
  E_VALUE_ON_ARGV: ExitCode.usage,
  E_LOCKED: ExitCode.auth,
  E_BAD_PASSPHRASE: ExitCode.auth,
  E_CONFIRMATION_REQUIRED: ExitCode.auth,
  E_NOT_FOUND: ExitCode.notFound,
  E_NO_VAULT: ExitCode.notFound,
  E_NO_MANIFEST: ExitCode.notFound,
  E_TAMPERED: ExitCode.corrupt,
  E_UNSUPPORTED_FORMAT: ExitCode.corrupt,
  E_MISSING_REQUIRED: ExitCode.missing,
  E_MANIFEST: ExitCode.usage,
  E_UNSAFE_PERMISSIONS: ExitCode.error,
  E_EXISTS: ExitCode.error,
  E_TOO_LARGE: ExitCode.usage,
  E_LOCK_TIMEOUT: ExitCode.error,
  E_NO_KEYCHAIN: ExitCode.error,
  E_SCAN_RULES: ExitCode.usage,
  E_IO: ExitCode.error,
  E_NOT_FOR_YOU: ExitCode.auth,
  E_UNACCEPTED_RECIPIENT: ExitCode.auth,
  E_CONFLICT: ExitCode.error,
  E_CLIPBOARD: ExitCode.error,
};

/** An expected failure: a stable code, an exit code, and a message safe to print. */
export class LatchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** More errors of the same kind, each printed on a line of its own (one per bad custom rule). */
  readonly details: readonly string[];

  /** `exitCode` overrides the code's usual exit code (e.g. 127 for a command not found, as shells do). */
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; exitCode?: number; details?: readonly string[] },
  ) {
    super(message, options);
    this.name = 'LatchError';
    this.code = code;
    this.exitCode = options?.exitCode ?? exitCodeOf[code];
    this.details = options?.details ?? [];
  }
}

/** Shorthand used where a failure is a usage mistake (exit 2). */
export function usageError(message: string): LatchError {
  return new LatchError('E_USAGE', message);
}
