/**
 * What `latch doctor` recognises, as pure predicates over names and text: `.env`-style files
 * and whether they hold values, AI agent state that can capture environment data, prefixes
 * that bundlers expose to the browser, live-mode credentials and production hosts, synced
 * folders, and a passphrase typed into a shell.
 */

/** The kinds of problem `doctor` reports, in the order it reports them. */
export type CheckId =
  | 'env-file-in-history'
  | 'env-file-not-ignored'
  | 'agent-state-not-ignored'
  | 'frontend-exposed-secret'
  | 'live-credential-in-development'
  | 'secret-due'
  | 'latch-home'
  | 'git-hooks'
  | 'env-example'
  | 'secret-never-set'
  | 'passphrase-exposed';

/**
 * How urgent a kind of problem is: `exposed`, a value is (or may be) readable where it should
 * not be now; `risk`, a setup that leaks values sooner or later; `tidy`, housekeeping.
 */
export type Severity = 'exposed' | 'risk' | 'tidy';

/** The severity of each check (a new check must pick one). */
export const severityOf: Record<CheckId, Severity> = {
  'env-file-in-history': 'exposed',
  'env-file-not-ignored': 'exposed',
  'passphrase-exposed': 'exposed',
  'frontend-exposed-secret': 'exposed',
  'live-credential-in-development': 'risk',
  'agent-state-not-ignored': 'risk',
  'latch-home': 'risk',
  'git-hooks': 'risk',
  'secret-due': 'risk',
  'env-example': 'tidy',
  'secret-never-set': 'tidy',
};

/** One problem: what is wrong, the one-line fix, and whether `doctor --fix` applies it. */
export interface Problem {
  check: CheckId;
  message: string;
  fix: string;
  /** True when `--fix` can apply the fix here (local, safe, no value lost). */
  fixable: boolean;
  /** Files concerned, relative to the repository where there is one. */
  paths?: string[];
  /** Commits concerned (abbreviated), for history findings. */
  commits?: string[];
  /** The .gitignore line `--fix` adds, for what should be ignored. */
  ignoreLine?: string;
}

/** A check that did not run here, and why. */
export interface Skipped {
  check: CheckId;
  reason: string;
}

const envTemplateSuffixes = /\.(example|sample|template|dist|defaults?|schema|tpl|local\.example)$/i;

/** True for a `.env`-style file name (`.env`, `.env.local`, `prod.env`), not its templates. */
export function isEnvFileName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (envTemplateSuffixes.test(base)) return false;
  return base === '.env' || /^\.env\.[^/]+$/.test(base) || /^[^/]+\.env$/.test(base);
}

const placeholder = /^(|""|''|<[^>]*>|\$\{[^}]*\}|changeme|change-me|xxx+|todo|your[-_].*|\.\.\.)$/i;

/** True when `.env` text assigns at least one non-empty, non-placeholder value. */
export function envTextHasValues(text: string): boolean {
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const value = match[1]!.replace(/\s+#.*$/, '');
    if (!placeholder.test(value)) return true;
  }
  return false;
}

/**
 * Files and folders of AI coding agents that can capture environment data (settings with
 * allowed commands and their env, chat and input histories, a copied `.env`): each is a
 * path relative to the repository root; a trailing `/` is a folder, a trailing `*` a prefix.
 */
export const agentStatePaths = [
  '.claude/settings.local.json',
  'CLAUDE.local.md',
  '.cursor/',
  '.aider*',
  '.continue/.env',
  '.specstory/',
] as const;

/** True when the repository path `file` falls under the agent-state pattern `pattern`. */
export function matchesAgentState(pattern: string, file: string): boolean {
  if (pattern.endsWith('/')) return file.startsWith(pattern);
  if (pattern.endsWith('*')) return !file.includes('/') && file.startsWith(pattern.slice(0, -1));
  return file === pattern;
}

/** Prefixes that Vite, Next.js, SvelteKit, Create React App, Expo and Nuxt put in the browser bundle. */
export const frontendPrefixes = [
  'VITE_',
  'NEXT_PUBLIC_',
  'PUBLIC_',
  'REACT_APP_',
  'EXPO_PUBLIC_',
  'NUXT_PUBLIC_',
];

/** The browser-exposed prefix `name` starts with, or null. */
export function frontendPrefix(name: string): string | null {
  return frontendPrefixes.find((prefix) => name.startsWith(prefix)) ?? null;
}

/** True for an environment name meant for production (where live credentials belong). */
export function isProductionEnvironment(name: string): boolean {
  return /(^|[-_.])(prod|production|live|prd)([-_.]|$)/i.test(name);
}

/**
 * Why a value stored under `name` looks like a live, production credential, or null. The
 * answer names the kind (`a Stripe live secret key`), never any part of the value.
 */
export function liveCredentialKind(name: string, value: string): string | null {
  if (/^sk_live_[A-Za-z0-9]{8,}/.test(value)) return 'a Stripe live secret key (sk_live_)';
  if (/^rk_live_[A-Za-z0-9]{8,}/.test(value)) return 'a Stripe live restricted key (rk_live_)';
  if (/^whsec_/.test(value) && /LIVE/i.test(name)) return 'a Stripe live webhook secret';
  if (/(DATABASE|DB|POSTGRES|PG|MYSQL|MONGO|MONGODB|REDIS)_?(URL|URI)$/i.test(name)) {
    let host: string;
    try {
      host = new URL(value).hostname.toLowerCase();
    } catch {
      return null;
    }
    if (/(^|[.-])(prod|production|prd|live)([.-]|\d|$)/.test(host))
      return 'a URL of a production database host';
  }
  return null;
}

/** The synced-folder service whose folder holds `path` (`Dropbox`, `iCloud Drive`), or null. */
export function syncedFolder(path: string): string | null {
  const services: [RegExp, string][] = [
    [/\/Dropbox( \([^/)]*\))?(\/|$)/, 'Dropbox'],
    [/\/Library\/Mobile Documents(\/|$)|\/iCloud Drive(\/|$)|\/iCloudDrive(\/|$)/, 'iCloud Drive'],
    [/\/OneDrive( - [^/]*)?(\/|$)|\/Library\/CloudStorage\/OneDrive/, 'OneDrive'],
    [/\/Google Drive(\/|$)|\/GoogleDrive[^/]*(\/|$)|\/Library\/CloudStorage\/GoogleDrive/, 'Google Drive'],
  ];
  return services.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}

/** How many lines of shell history `text` has that set LATCH_PASSPHRASE to a value. */
export function passphraseLines(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) if (/\bLATCH_PASSPHRASE=[^\s;&|]/.test(line)) count++;
  return count;
}
