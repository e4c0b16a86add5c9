/**
 * Recognising an AI coding agent from its environment markers or its processes. An agent is
 * a process of the same user, so this is a courtesy check for consent and a label for the
 * audit log, not a security boundary (DESIGN.md, "Agents"; docs/audit.md lists the markers).
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

/** Generic markers: an agent says it is one without a name latch knows. */
const genericMarkers = ['AI_AGENT', 'AGENT'];

/** The fallback name for an agent that marks itself but is not one latch knows. */
export const unknownAgent = 'unknown-agent';

const knownAgents = new Set([...markers.map(([, agent]) => agent), 'copilot']);

/**
 * Returns the name of the agent whose markers are set in `env`, or null. `LATCH_AGENT`
 * lets any other agent (or a test) declare itself; `AI_AGENT` or `AGENT` holding a known
 * name gives that name, any other value `unknown-agent`.
 */
export function detectAgent(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.LATCH_AGENT) return env.LATCH_AGENT;
  for (const [variable, agent] of markers) {
    if (env[variable]) return agent;
  }
  for (const variable of genericMarkers) {
    const value = env[variable]?.trim().toLowerCase();
    if (value && value !== '0' && value !== 'false') return knownAgents.has(value) ? value : unknownAgent;
  }
  return null;
}

/** One ancestor process: its short name (`comm`) and its argv. */
export interface ProcessInfo {
  pid: number;
  name: string;
  argv: string[];
}

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Program names and package paths that identify an agent's own process; order matters. */
const processRules: [test: (names: string[], argv: string) => boolean, agent: string][] = [
  [(names, argv) => names.includes('claude') || argv.includes('@anthropic-ai/claude-code'), 'claude-code'],
  [(names) => names.some((name) => /^cursor(-agent)?$/i.test(name) || /^Cursor Helper/.test(name)), 'cursor'],
  [(names, argv) => names.includes('codex') || argv.includes('@openai/codex'), 'codex'],
  [(names) => names.includes('aider'), 'aider'],
  [(names, argv) => names.includes('copilot') || argv.includes('@github/copilot'), 'copilot'],
  [(names, argv) => names.includes('gemini') || argv.includes('@google/gemini-cli'), 'gemini-cli'],
];

/**
 * Returns the agent that one of `ancestors` (nearest first) is, or null: the process name,
 * the base name of argv[0], or argv[1] for scripts run by an interpreter (`node .../cli.js`,
 * `python .../aider`).
 */
export function detectAgentInProcesses(ancestors: readonly ProcessInfo[]): string | null {
  for (const ancestor of ancestors) {
    const names = [ancestor.name, ...ancestor.argv.slice(0, 2).map(baseName)].map((name) =>
      name.replace(/\.(js|mjs|cjs|exe|py)$/i, ''),
    );
    const argv = ancestor.argv.join(' ');
    for (const [test, agent] of processRules) if (test(names, argv)) return agent;
  }
  return null;
}
