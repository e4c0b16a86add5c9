/**
 * Parsing argv against a command's declared options. Parsing returns data; nothing runs
 * here, so `--help`, completion and tests all read the same table (STYLE.md: plan, then
 * execute).
 */
import { usageError } from '../shared/errors.js';

export interface OptionSpec {
  /** Long name without dashes, e.g. `env` for `--env`. */
  name: string;
  short?: string;
  /** `flag` takes no value; `value` takes one; `list` takes one and may repeat. */
  kind: 'flag' | 'value' | 'list';
  /** Placeholder in help, e.g. `E`. */
  placeholder?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Usage after `latch NAME`, e.g. `NAME [--env E]`. */
  usage: string;
  options: OptionSpec[];
  /** Fixed words allowed as the first positional (e.g. `ls`, `add`, `rm`). */
  subcommands?: string[];
  /** `run`: everything after `--` (or after the first positional) is the child's argv. */
  passThrough?: boolean;
  /**
   * The most positionals the command takes; more is a usage error here, so that `latch ls
   * prod` does not quietly list the default environment. Unset: the command checks its own.
   */
  maxPositionals?: number;
}

export interface ParsedArgs {
  options: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** The words after `--`. */
  rest: string[];
}

/** Options every command accepts. */
export const globalOptions: OptionSpec[] = [
  { name: 'help', short: 'h', kind: 'flag', description: 'show help for the command' },
  { name: 'debug', kind: 'flag', description: 'print stack traces for unexpected errors' },
];

/** Parses the words after the command name. Throws E_USAGE for unknown or malformed options. */
export function parseArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const all = [...spec.options, ...globalOptions];
  const byLong = new Map(all.map((option) => [option.name, option]));
  const byShort = new Map(all.filter((option) => option.short).map((option) => [option.short!, option]));
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === '--') return { options, positionals, rest: argv.slice(index + 1) };
    if (spec.passThrough && positionals.length > 0)
      return { options, positionals: [], rest: [...positionals, ...argv.slice(index)] };
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const [flag, inline] = word.startsWith('--') ? splitOnce(word.slice(2)) : [word.slice(1), undefined];
    const option = word.startsWith('--') ? byLong.get(flag) : byShort.get(flag);
    if (!option)
      throw usageError(
        `unknown option ${word} for \`latch ${spec.name}\`; see \`latch ${spec.name} --help\``,
      );
    if (option.kind === 'flag') {
      if (inline !== undefined) throw usageError(`--${option.name} takes no value`);
      options[option.name] = true;
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined)
      throw usageError(`--${option.name} needs a value (${option.placeholder ?? 'VALUE'})`);
    if (option.kind === 'list') {
      options[option.name] = [...((options[option.name] as string[] | undefined) ?? []), value];
    } else {
      options[option.name] = value;
    }
  }
  if (spec.passThrough) return { options, positionals: [], rest: positionals };
  const unexpected = spec.maxPositionals === undefined ? undefined : positionals[spec.maxPositionals];
  if (unexpected !== undefined)
    throw usageError(
      `unexpected argument ${JSON.stringify(unexpected)}; usage: latch ${spec.name} ${spec.usage}`.trimEnd(),
    );
  return { options, positionals, rest: [] };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** The help text of one command. */
export function renderHelp(spec: CommandSpec): string {
  const lines = [`usage: latch ${spec.name} ${spec.usage}`.trimEnd(), '', spec.summary, ''];
  const rows = [...spec.options, ...globalOptions].map((option) => {
    const names = `${option.short ? `-${option.short}, ` : '    '}--${option.name}${option.kind === 'flag' ? '' : ` ${option.placeholder ?? 'VALUE'}`}`;
    return [names, option.description] as const;
  });
  const width = Math.max(...rows.map(([names]) => names.length));
  lines.push('options:', ...rows.map(([names, description]) => `  ${names.padEnd(width)}  ${description}`));
  return `${lines.join('\n')}\n`;
}

/** A string option's value, if given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A list option's values (empty when not given). */
export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.options[name];
  return Array.isArray(value) ? value : [];
}

/** True when a flag was given. */
export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
