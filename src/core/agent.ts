/**
 * Recognising an AI coding agent from its environment markers. An agent is a process of the
 * same user, so this is a courtesy check for consent, not a security boundary (DESIGN.md,
 * "Agents"); the audit log records what it finds.
 */

/** Environment variables that agents set in the shells they run; name -> agent. */
const markers: [variable: string, agent: string][] = [
  ['CLAUDECODE', 'claude-code'],
  ['CLAUDE_CODE_ENTRYPOINT', 'claude-code'],
  ['CURSOR_AGENT', 'cursor'],
  ['CURSOR_TRACE_ID', 'cursor'],
  ['GEMINI_CLI', 'gemini-cli'],
  ['CODEX_SANDBOX', 'codex'],
  ['CODEX_MANAGED_BY_NPM', 'codex'],
  ['AIDER_MODEL', 'aider'],
  ['OPENCODE', 'opencode'],
  ['CLINE_ACTIVE', 'cline'],
  ['AMP_THREAD_ID', 'amp'],
  ['GOOSE_TERMINAL', 'goose'],
  ['REPL_ID', 'replit-agent'],
];

/**
 * Returns the name of the agent whose markers are set in `env`, or null. `LATCH_AGENT`
 * lets any other agent (or a test) declare itself.
 */
export function detectAgent(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.LATCH_AGENT) return env.LATCH_AGENT;
  for (const [variable, agent] of markers) {
    if (env[variable]) return agent;
  }
  return null;
}
