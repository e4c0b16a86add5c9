/**
 * The command table: names, options and help for every command, as data. The help, the
 * argument parser and the shell completions read it; src/cli/command-table.ts adds the loaders.
 */
import type { CommandSpec, OptionSpec } from './args.js';

const env: OptionSpec = {
  name: 'env',
  short: 'e',
  kind: 'value',
  placeholder: 'E',
  description: 'environment (default: LATCH_ENV, then the manifest default)',
};
const project: OptionSpec = {
  name: 'project',
  short: 'p',
  kind: 'value',
  placeholder: 'NAME',
  description: 'project (default: the one in latch.yaml)',
};
const json: OptionSpec = {
  name: 'json',
  kind: 'flag',
  description: 'print JSON (stable, see docs/commands.md)',
};
/** How `--generate` shapes a value (`set`, `rotate`). */
const generatedValueOptions: OptionSpec[] = [
  {
    name: 'length',
    kind: 'value',
    placeholder: 'N',
    description: 'length of a generated value (default 32)',
  },
  {
    name: 'charset',
    kind: 'value',
    placeholder: 'C',
    description: 'base64 (URL-safe), hex or alnum (default base64)',
  },
];
const force: OptionSpec = {
  name: 'force',
  short: 'f',
  kind: 'flag',
  description: 'do it even though secrets will be deleted',
};

export const commands: CommandSpec[] = [
  {
    name: 'init',
    summary: 'Create the vault (first time) and a latch.yaml for this repository.',
    usage: '[--project NAME] [--envs dev,staging,prod] [--discard-previous]',
    options: [
      { ...project, description: 'project name (default: the directory name)' },
      {
        name: 'envs',
        kind: 'value',
        placeholder: 'LIST',
        description: 'environments, comma-separated (default: dev,staging,prod)',
      },
      {
        name: 'discard-previous',
        kind: 'flag',
        description: 'with no vault but a vault.prev: start a new vault, giving up vault.prev',
      },
    ],
    maxPositionals: 0,
  },
  {
    name: 'set',
    summary:
      'Store a secret. The value comes from a hidden prompt, stdin, a file or --generate, never from argv.',
    usage: 'NAME [--env E] [--from-file F | --generate [--length N] [--charset base64|hex|alnum]]',
    options: [
      env,
      project,
      {
        name: 'from-file',
        kind: 'value',
        placeholder: 'F',
        description: 'read the value from a file, byte for byte',
      },
      { name: 'generate', kind: 'flag', description: 'generate a random value' },
      ...generatedValueOptions,
      { name: 'description', kind: 'value', placeholder: 'T', description: 'what the secret is for' },
      { name: 'owner', kind: 'value', placeholder: 'O', description: 'who to ask about it' },
      {
        name: 'expires',
        kind: 'value',
        placeholder: 'DATE',
        description: 'expiry: 2027-01-31, a date-time, or a duration like 90d',
      },
      { name: 'rotate-every', kind: 'value', placeholder: 'D', description: 'rotation period, like 90d' },
    ],
  },
  {
    name: 'get',
    summary: "Show a secret's metadata; the value only with --reveal.",
    usage: 'NAME [--env E] [--reveal] [--json]',
    options: [
      env,
      project,
      { name: 'reveal', kind: 'flag', description: 'print the value (asks for confirmation in some cases)' },
      json,
    ],
  },
  {
    name: 'ls',
    summary: 'List secrets and their metadata, never values.',
    usage: '[--env E] [--all] [--json]',
    options: [
      env,
      project,
      { name: 'all', short: 'a', kind: 'flag', description: 'every project and environment in the vault' },
      json,
    ],
    maxPositionals: 0,
  },
  {
    name: 'rm',
    summary: 'Delete a secret and its earlier versions from one environment.',
    usage: 'NAME [--env E]',
    options: [env, project],
  },
  {
    name: 'import',
    summary: 'Import a .env file (the dotenv dialect, no $ expansion).',
    usage: 'FILE [--env E]',
    options: [env, project, json],
  },
  {
    name: 'example',
    summary: 'Write .env.example from latch.yaml: names, descriptions, placeholders, never values.',
    usage: '[-o .env.example]',
    options: [
      {
        name: 'output',
        short: 'o',
        kind: 'value',
        placeholder: 'FILE',
        description: 'where to write (default .env.example; - for stdout)',
      },
    ],
    maxPositionals: 0,
  },
  {
    name: 'check',
    summary: 'Exit 7 when a required secret has no value; warn about expired ones.',
    usage: '[--env E] [--json]',
    options: [env, project, json],
    maxPositionals: 0,
  },
  {
    name: 'run',
    summary: "Run a command with the environment's secrets in its environment only.",
    usage: '[--env E] [--env-file F]... [--bundle FILE] [--no-mask] [--dry-run] -- COMMAND [ARG...]',
    options: [
      env,
      project,
      {
        name: 'env-file',
        kind: 'list',
        placeholder: 'F',
        description: 'also load a .env file (repeatable); latch:// values are resolved',
      },
      {
        name: 'bundle',
        kind: 'value',
        placeholder: 'FILE',
        description: 'also inject the secrets of a password-encrypted bundle (vault values win)',
      },
      { name: 'no-mask', kind: 'flag', description: "show the program's output as is (values not masked)" },
      { name: 'dry-run', kind: 'flag', description: 'print the plan (names only) and do not run' },
      json,
    ],
    passThrough: true,
  },
  {
    name: 'bundle',
    summary: "Password-encrypted bundles of an environment's secrets (an age file), to ship with a project.",
    usage:
      'create [--env E] [-o FILE] [--generate-password] [--weak-password] [--force] | inspect FILE [--json] | import FILE [--env E]',
    options: [
      env,
      project,
      {
        name: 'output',
        short: 'o',
        kind: 'value',
        placeholder: 'FILE',
        description: 'create: where to write (default secrets.encrypted)',
      },
      {
        name: 'generate-password',
        kind: 'flag',
        description: 'create: generate a 108-bit passphrase, printed once',
      },
      { name: 'weak-password', kind: 'flag', description: 'create: accept a password under 60 bits' },
      { name: 'force', short: 'f', kind: 'flag', description: 'create: replace an existing file' },
      json,
    ],
    subcommands: ['create', 'inspect', 'import'],
  },
  {
    name: 'backup',
    summary: 'Back up the whole vault and the audit log as one age file; `verify` checks one.',
    usage: '-o FILE [--recipient age1...]... [--force] | verify FILE [--identity KEYFILE]',
    options: [
      {
        name: 'output',
        short: 'o',
        kind: 'value',
        placeholder: 'FILE',
        description: 'where to write the backup',
      },
      {
        name: 'recipient',
        short: 'r',
        kind: 'list',
        placeholder: 'age1...',
        description: 'encrypt to this age recipient (repeatable); without it, to a passphrase',
      },
      { name: 'passphrase', kind: 'flag', description: 'encrypt to a passphrase (the default)' },
      {
        name: 'identity',
        short: 'i',
        kind: 'value',
        placeholder: 'KEYFILE',
        description: 'verify: an age identity file',
      },
      { name: 'force', short: 'f', kind: 'flag', description: 'replace an existing file' },
    ],
    subcommands: ['verify'],
  },
  {
    name: 'restore',
    summary: 'Restore a backup: shows what is added or replaced by name, then applies all of it or nothing.',
    usage: 'FILE [--identity KEYFILE] [--dry-run] [--on-conflict skip|overwrite|error] [--project P]',
    options: [
      {
        name: 'identity',
        short: 'i',
        kind: 'value',
        placeholder: 'KEYFILE',
        description: 'an age identity file for a recipient backup',
      },
      { name: 'dry-run', kind: 'flag', description: 'show the plan and change nothing' },
      {
        name: 'on-conflict',
        kind: 'value',
        placeholder: 'skip|overwrite|error',
        description: 'a stored value that differs from the backup: keep it, replace it, or stop (default)',
      },
      { ...project, description: 'restore only this project' },
      json,
    ],
    maxPositionals: 1,
  },
  {
    name: 'inject',
    summary: 'Fill a template: each {{ latch://... }} becomes the value it names.',
    usage: '-i TEMPLATE [-o FILE] [--force] [--env E]',
    options: [
      {
        name: 'in-file',
        short: 'i',
        kind: 'value',
        placeholder: 'TEMPLATE',
        description: 'the template file',
      },
      {
        name: 'out-file',
        short: 'o',
        kind: 'value',
        placeholder: 'FILE',
        description: 'write to a new file (0600) instead of stdout',
      },
      { ...force, description: 'replace FILE if it exists' },
      env,
      project,
    ],
  },
  {
    name: 'passwd',
    summary: 'Change the vault passphrase (the data is not re-encrypted).',
    usage: '',
    options: [],
    maxPositionals: 0,
  },
  {
    name: 'unlock',
    summary: 'Unlock for a while: a device key in the OS keychain opens the vault without the passphrase.',
    usage: '[--for 8h]',
    options: [
      {
        name: 'for',
        kind: 'value',
        placeholder: 'DURATION',
        description: 'how long (default 8h; 30m, 2h, 1d)',
      },
    ],
    maxPositionals: 0,
  },
  {
    name: 'lock',
    summary: 'End the session now: remove the device key from the keychain.',
    usage: '',
    options: [],
    maxPositionals: 0,
  },
  {
    name: 'status',
    summary: 'Locked or unlocked, until when, which keychain, and failed attempts.',
    usage: '[--json]',
    options: [json],
    maxPositionals: 0,
  },
  {
    name: 'env',
    summary: "List, add or remove a project's environments.",
    usage: 'ls | add NAME [--protected] | rm NAME [--force]',
    options: [
      project,
      { name: 'protected', kind: 'flag', description: 'confirmation on a terminal before any use' },
      force,
      json,
    ],
    subcommands: ['ls', 'add', 'rm'],
  },
  {
    name: 'project',
    summary: 'List projects, or remove one with its secrets.',
    usage: 'ls | rm NAME [--force]',
    options: [force, json],
    subcommands: ['ls', 'rm'],
  },
  {
    name: 'audit',
    summary: 'Who got which secret, when, and was it an agent; `verify` checks the HMAC chain.',
    usage:
      '[--secret NAME] [--env E] [--project P] [--agent] [--since T] [--until T] [--json] [-n N] [--follow] | verify | export --since T',
    options: [
      {
        name: 'secret',
        kind: 'value',
        placeholder: 'NAME',
        description: 'only records that name this secret',
      },
      { ...env, description: 'only records of this environment' },
      { ...project, description: 'only records of this project' },
      { name: 'agent', kind: 'flag', description: 'only records made for an AI agent' },
      {
        name: 'since',
        kind: 'value',
        placeholder: 'T',
        description: 'from this time: 2h, 7d, 2026-06-01, or a date-time',
      },
      { name: 'until', kind: 'value', placeholder: 'T', description: 'up to this time (same forms)' },
      { name: 'lines', short: 'n', kind: 'value', placeholder: 'N', description: 'only the last N records' },
      { name: 'follow', short: 'f', kind: 'flag', description: 'keep printing new records as they come' },
      json,
    ],
    subcommands: ['verify', 'export'],
  },
  {
    name: 'leaked',
    summary:
      'Incident view: every delivery of a secret, grouped by command and agent; marks it for rotation.',
    usage: 'NAME [--env E] [--since T] [--json]',
    options: [
      env,
      project,
      {
        name: 'since',
        kind: 'value',
        placeholder: 'T',
        description: 'window start (default: when the current value was set)',
      },
      json,
    ],
  },
  {
    name: 'history',
    summary: 'Every value a secret has had: when and by which event it was set and replaced; never values.',
    usage: 'NAME [--env E] [--json]',
    options: [env, project, json],
    maxPositionals: 1,
  },
  {
    name: 'rollback',
    summary: 'Make an earlier value of a secret current again; the current one is kept as a version.',
    usage: 'NAME [--env E] [--to N]',
    options: [
      env,
      project,
      {
        name: 'to',
        kind: 'value',
        placeholder: 'N',
        description: 'the version to restore, from `latch history` (default: the one before the current)',
      },
      json,
    ],
    maxPositionals: 1,
  },
  {
    name: 'rotate',
    summary:
      'Store a new value for a secret, keep the old one, clear a leaked mark; --due lists what is due.',
    usage: 'NAME [--env E] [--generate [--length N] [--charset C] | --from-file F] | --due [--json]',
    options: [
      env,
      project,
      {
        name: 'from-file',
        kind: 'value',
        placeholder: 'F',
        description: 'read the new value from a file, byte for byte',
      },
      { name: 'generate', kind: 'flag', description: 'generate a random new value' },
      ...generatedValueOptions,
      {
        name: 'due',
        kind: 'flag',
        description: 'list what is due in every project and environment (leaked, expired, period passed)',
      },
      json,
    ],
    maxPositionals: 1,
  },
  {
    name: 'copy',
    summary: "Put a secret's value on the clipboard and clear it after a while (default 45 s).",
    usage: 'NAME [--env E] [--clear-after 45s] [--osc52]',
    options: [
      env,
      project,
      {
        name: 'clear-after',
        kind: 'value',
        placeholder: 'D',
        description: 'clear the clipboard after this long, if it still holds the value (default 45s)',
      },
      {
        name: 'osc52',
        kind: 'flag',
        description: 'copy through the terminal (OSC 52), e.g. over SSH; cannot be cleared by latch',
      },
      json,
    ],
    maxPositionals: 1,
  },
  {
    name: 'doctor',
    summary:
      'Find the mistakes that leak secrets in this repository and setup, each with a fix; exit 5 when any.',
    usage: '[--fix] [--json]',
    options: [
      project,
      {
        name: 'fix',
        kind: 'flag',
        description: 'apply the safe, local fixes (permissions, .gitignore, .env.example, hooks)',
      },
      json,
    ],
    maxPositionals: 0,
  },
  {
    name: 'scan',
    summary:
      'Find managed values (vault locked or not), known credential formats, generic secrets and .env files; exit 5 when found.',
    usage:
      '[PATH...] [--staged | --history [--range A..B]] [--format text|json|sarif] [--baseline F] [--write-baseline F]',
    options: [
      {
        name: 'staged',
        kind: 'flag',
        description: "the staged changes' added lines (what is about to be committed)",
      },
      { name: 'history', kind: 'flag', description: "every commit's added lines (all refs unless --range)" },
      {
        name: 'range',
        kind: 'value',
        placeholder: 'A..B',
        description: 'with --history: only these commits',
      },
      {
        name: 'format',
        kind: 'value',
        placeholder: 'F',
        description: 'text (default), json or sarif (SARIF 2.1.0)',
      },
      {
        name: 'baseline',
        kind: 'value',
        placeholder: 'FILE',
        description: 'ignore findings whose fingerprints are in FILE',
      },
      {
        name: 'write-baseline',
        kind: 'value',
        placeholder: 'FILE',
        description: "write the findings' fingerprints to FILE and exit 0",
      },
      { name: 'max-size', kind: 'value', placeholder: 'SIZE', description: 'skip larger files (default 5M)' },
      { name: 'reindex', kind: 'flag', description: 'rebuild the scan index from the vault (unlocks it)' },
    ],
  },
  {
    name: 'hooks',
    summary: 'Install, remove or show the git pre-commit and pre-push hooks that run latch scan.',
    usage: 'install | uninstall | status',
    options: [],
    subcommands: ['install', 'uninstall', 'status'],
  },
  {
    name: 'team',
    summary: 'Share secrets with your team through git, encrypted to each member (age).',
    usage:
      'init [--envs dev,staging] | key [--import FILE | --export] [--json] | add NAME RECIPIENT [--envs L] [--fingerprint FP] | rm NAME | ls | ack [--fingerprint FP] | verify | share --env E | offboard-report NAME',
    options: [
      { ...env, description: 'share: the environment to start sharing' },
      project,
      { name: 'envs', kind: 'value', placeholder: 'LIST', description: 'environments, comma-separated' },
      {
        name: 'import',
        kind: 'value',
        placeholder: 'FILE',
        description: 'key: use this age identity (or ssh ed25519 key)',
      },
      { name: 'export', kind: 'flag', description: 'key: print your identity (a person, on a terminal)' },
      {
        name: 'fingerprint',
        kind: 'value',
        placeholder: 'FP',
        description: 'add, ack: the fingerprint the member gave you, for scripts',
      },
      json,
    ],
    subcommands: ['init', 'key', 'add', 'rm', 'ls', 'ack', 'verify', 'share', 'offboard-report'],
  },
  {
    name: 'push',
    summary: "Write your vault's values of the shared environments into .latch/ (changed files only).",
    usage: '[--env E] [--all]',
    options: [
      { ...env, description: 'only this shared environment' },
      project,
      { name: 'all', short: 'a', kind: 'flag', description: 'every shared environment (the default)' },
      json,
    ],
    maxPositionals: 0,
  },
  {
    name: 'pull',
    summary: 'Read .latch/ into your vault: added, changed and removed secrets, by name.',
    usage: '[--env E] [--theirs | --ours]',
    options: [
      { ...env, description: 'only this shared environment' },
      project,
      {
        name: 'theirs',
        kind: 'flag',
        description: "resolve conflicts with .latch/'s value (yours is kept as a version)",
      },
      {
        name: 'ours',
        kind: 'flag',
        description: 'resolve conflicts with your value (the next push writes it)',
      },
      json,
    ],
    maxPositionals: 0,
  },
  {
    name: 'mcp',
    summary:
      'Serve the Model Context Protocol on stdio, so an AI coding agent works with secrets by name (docs/agents.md).',
    usage:
      '[--project NAME] [--env E] | install claude|cursor|codex|gemini [--project-scope | --user] [--print]',
    options: [
      env,
      project,
      { name: 'user', kind: 'flag', description: "install: in the user's own configuration" },
      {
        name: 'project-scope',
        kind: 'flag',
        description: "install: in the project's configuration (the default)",
      },
      { name: 'print', kind: 'flag', description: 'install: print the files instead of writing them' },
    ],
    subcommands: ['install'],
  },
  {
    name: 'ui',
    summary:
      'Show the vault in a browser page on 127.0.0.1: projects, environments, secrets by name and state (never values).',
    usage: '[--port N] [--no-open] [--idle DURATION]',
    options: [
      project,
      {
        name: 'port',
        kind: 'value',
        placeholder: 'N',
        description: 'port on 127.0.0.1 (default: a free one)',
      },
      { name: 'no-open', kind: 'flag', description: 'print the address, do not open a browser' },
      {
        name: 'idle',
        kind: 'value',
        placeholder: 'DURATION',
        description: 'stop after this long without a request (default 30m)',
      },
    ],
    maxPositionals: 0,
  },
  {
    name: 'grant',
    summary:
      'Let AI agents run with a protected environment through latch mcp for a while; a person confirms on a terminal.',
    usage: '--env E --for DURATION [--agent NAME] | ls [--json] | revoke [--env E] [--agent NAME]',
    options: [
      env,
      project,
      { name: 'for', kind: 'value', placeholder: 'DURATION', description: 'how long (15m, 2h; at most 24h)' },
      {
        name: 'agent',
        kind: 'value',
        placeholder: 'NAME',
        description: "only this MCP client (its name, as in the audit log's agent)",
      },
      json,
    ],
    subcommands: ['ls', 'revoke'],
  },
  {
    name: 'completion',
    summary: 'Print a shell completion script.',
    usage: 'bash|zsh|fish',
    options: [],
    subcommands: ['bash', 'zsh', 'fish'],
  },
];
