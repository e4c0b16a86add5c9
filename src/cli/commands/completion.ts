/** `latch completion bash|zsh|fish`: completion scripts generated from the command table. */
import { LatchError } from '../../shared/errors.js';
import type { Io } from '../../shared/io.js';
import type { CommandSpec } from '../args.js';
import { globalOptions, type ParsedArgs } from '../args.js';
import { commands } from '../command-table.js';

function words(command: CommandSpec): string[] {
  return [
    ...(command.subcommands ?? []),
    ...[...command.options, ...globalOptions].map((option) => `--${option.name}`),
  ];
}

function bash(): string {
  const cases = commands
    .map((command) => `    ${command.name}) opts="${words(command).join(' ')}" ;;`)
    .join('\n');
  return `# latch completion for bash: eval "$(latch completion bash)"
_latch() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((command) => command.name).join(' ')} --help --version" -- "$cur"))
    return
  fi
  local opts=""
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _latch latch
`;
}

function zsh(): string {
  const cases = commands
    .map((command) => `    ${command.name}) compadd -- ${words(command).join(' ')} ;;`)
    .join('\n');
  return `#compdef latch
# latch completion for zsh: eval "$(latch completion zsh)"
_latch() {
  if (( CURRENT == 2 )); then
    compadd -- ${commands.map((command) => command.name).join(' ')}
    return
  fi
  case "$words[2]" in
${cases}
  esac
  _files
}
compdef _latch latch
`;
}

function fish(): string {
  const lines = ['# latch completion for fish: latch completion fish | source', 'complete -c latch -f'];
  for (const command of commands) {
    lines.push(
      `complete -c latch -n '__fish_use_subcommand' -a ${command.name} -d '${command.summary.replace(/'/g, "\\'")}'`,
    );
    for (const word of command.subcommands ?? []) {
      lines.push(`complete -c latch -n '__fish_seen_subcommand_from ${command.name}' -a ${word}`);
    }
    for (const option of [...command.options, ...globalOptions]) {
      const takesValue = option.kind === 'flag' ? '' : ' -r';
      lines.push(
        `complete -c latch -n '__fish_seen_subcommand_from ${command.name}' -l ${option.name}${takesValue} -d '${option.description.replace(/'/g, "\\'")}'`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const shell = args.positionals[0];
  const scripts: Record<string, () => string> = { bash, zsh, fish };
  const render = shell ? scripts[shell] : undefined;
  if (args.positionals.length > 1 || (shell !== undefined && !render))
    throw new LatchError(
      'E_USAGE',
      `no completion for ${args.positionals.join(' ')}; the supported shells are bash, zsh and fish`,
    );
  if (!render) throw new LatchError('E_USAGE', 'name a shell: latch completion bash|zsh|fish');
  io.stdout.write(render());
  return 0;
}
