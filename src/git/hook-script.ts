/**
 * The git hook scripts latch installs: POSIX sh that runs the hook latch displaced first
 * (with the same arguments, and for pre-push the same standard input), then the latch that
 * installed it (the absolute node and bin paths), falling back to `latch` on PATH.
 */

export const hookNames = ['pre-commit', 'pre-push'] as const;
export type HookName = (typeof hookNames)[number];

/** The line that marks a hook as latch's (uninstall removes only such hooks). */
export const hookMarker = '# latch-hook v1';
/** A displaced hook is kept beside ours under this suffix and restored by uninstall. */
export const chainedSuffix = '.latch-chained';

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** True when `text` is a hook script written by `hookScript`. */
export function isLatchHook(text: string): boolean {
  return text.split('\n', 3).includes(hookMarker);
}

/** The node and bin paths a hook script calls, or null when `text` is not latch's. */
export function hookTarget(text: string): { node: string; bin: string } | null {
  if (!isLatchHook(text)) return null;
  const value = (name: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}=`));
    return line ? line.slice(name.length + 2, -1).replaceAll("'\\''", "'") : '';
  };
  return { node: value('latch_node'), bin: value('latch_bin') };
}

/** The script for `hook`, calling `node bin` (the latch that installs it). */
export function hookScript(hook: HookName, node: string, bin: string): string {
  const runChained =
    hook === 'pre-push'
      ? `input=$(cat)\nif [ -x "$chained" ]; then printf '%s\\n' "$input" | "$chained" "$@" || exit $?; fi\nprintf '%s\\n' "$input" | run_latch hooks run pre-push "$@"`
      : 'if [ -x "$chained" ]; then "$chained" "$@" || exit $?; fi\nrun_latch hooks run pre-commit';
  return `#!/bin/sh
${hookMarker}
# Installed by \`latch hooks install\`: runs \`latch scan\` on what git is about to ${hook === 'pre-push' ? 'push' : 'commit'}.
# \`latch hooks uninstall\` removes it and puts back the hook that was here before.
latch_node=${shellQuote(node)}
latch_bin=${shellQuote(bin)}
chained="$(dirname -- "$0")/${hook}${chainedSuffix}"

run_latch() {
  if [ -x "$latch_node" ] && [ -f "$latch_bin" ]; then
    "$latch_node" "$latch_bin" "$@"
  elif command -v latch >/dev/null 2>&1; then
    latch "$@"
  else
    echo "latch: the ${hook} hook cannot find latch (not at $latch_bin, not on PATH); install latch and run \\\`latch hooks install\\\` again (or \\\`npx latch hooks install\\\`); to skip the check once: git ${hook === 'pre-push' ? 'push' : 'commit'} --no-verify" >&2
    return 1
  fi
}

${runChained}
`;
}
