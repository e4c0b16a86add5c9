/**
 * The configuration each AI coding client needs to start `latch mcp`, and the deny rules it
 * supports to keep the agent from reading `.env*` files directly, as edits of its files:
 * given a file's current text (or null), the text to write. Pure.
 */
import { LatchError } from '../shared/errors.js';

export type ClientName = 'claude' | 'cursor' | 'codex' | 'gemini';
export const clientNames: readonly ClientName[] = ['claude', 'cursor', 'codex', 'gemini'];
export type Scope = 'project' | 'user';

/** One file to write: its path (relative to the project or the home directory) and how to edit it. */
export interface ConfigFile {
  path: string;
  /** What it is for, in a few words. */
  purpose: string;
  edit(current: string | null): string;
}

/** How every client starts the server: `latch` on PATH, in the directory the client opens. */
export const serverEntry = { command: 'latch', args: ['mcp'] };

/** The `.env` files an agent should not read (values would enter its context). */
const envPatterns = ['.env', '.env.*', '**/.env', '**/.env.*'];

function parseJsonObject(text: string | null, path: string): Record<string, unknown> {
  if (text === null || text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new LatchError('E_USAGE', `${path} is not valid JSON; fix it or move it away, then run this again`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new LatchError('E_USAGE', `${path} does not hold a JSON object; fix it, then run this again`);
  return data as Record<string, unknown>;
}

function objectAt(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

/** A JSON file with `mcpServers.latch` set (Claude Code, Cursor, Gemini CLI share the shape). */
function mcpServersJson(path: string): ConfigFile {
  return {
    path,
    purpose: 'starts latch mcp',
    edit(current) {
      const data = parseJsonObject(current, path);
      objectAt(data, 'mcpServers').latch = { ...serverEntry };
      return `${JSON.stringify(data, null, 2)}\n`;
    },
  };
}

/** Claude Code's settings with `permissions.deny` rules for reading `.env*` files. */
function claudeDenyRules(path: string): ConfigFile {
  return {
    path,
    purpose: 'denies reading .env files',
    edit(current) {
      const data = parseJsonObject(current, path);
      const permissions = objectAt(data, 'permissions');
      const deny = Array.isArray(permissions.deny) ? (permissions.deny as unknown[]) : [];
      for (const pattern of envPatterns) {
        const rule = `Read(./${pattern})`;
        if (!deny.includes(rule)) deny.push(rule);
      }
      permissions.deny = deny;
      return `${JSON.stringify(data, null, 2)}\n`;
    },
  };
}

/** An ignore file (gitignore syntax: `.cursorignore`, `.geminiignore`) listing `.env*`. */
function ignoreFile(path: string): ConfigFile {
  return {
    path,
    purpose: 'keeps .env files from the agent',
    edit(current) {
      const lines = (current ?? '').split('\n');
      const missing = ['.env', '.env.*'].filter((pattern) => !lines.includes(pattern));
      if (missing.length === 0) return current ?? '';
      const head = current && !current.endsWith('\n') ? `${current}\n` : (current ?? '');
      return `${head}# latch: secrets come from latch mcp, not from .env files\n${missing.join('\n')}\n`;
    },
  };
}

/** Codex's TOML configuration with an `[mcp_servers.latch]` table. */
function codexToml(path: string): ConfigFile {
  return {
    path,
    purpose: 'starts latch mcp',
    edit(current) {
      const text = current ?? '';
      if (/^\s*\[mcp_servers\.latch\]\s*$/m.test(text)) return text;
      const head = text !== '' && !text.endsWith('\n') ? `${text}\n` : text;
      const args = serverEntry.args.map((arg) => JSON.stringify(arg)).join(', ');
      return `${head}${head === '' ? '' : '\n'}[mcp_servers.latch]\ncommand = ${JSON.stringify(serverEntry.command)}\nargs = [${args}]\n`;
    },
  };
}

/**
 * The files to write for `client` at `scope`, paths relative to the project's directory or
 * the user's home. Codex has no rule that stops reading a file, so it gets the server alone.
 */
export function clientConfigFiles(client: ClientName, scope: Scope): ConfigFile[] {
  switch (client) {
    case 'claude':
      return scope === 'project'
        ? [mcpServersJson('.mcp.json'), claudeDenyRules('.claude/settings.json')]
        : [mcpServersJson('.claude.json'), claudeDenyRules('.claude/settings.json')];
    case 'cursor':
      return scope === 'project'
        ? [mcpServersJson('.cursor/mcp.json'), ignoreFile('.cursorignore')]
        : [mcpServersJson('.cursor/mcp.json')];
    case 'codex':
      return [codexToml('.codex/config.toml')];
    case 'gemini':
      return scope === 'project'
        ? [mcpServersJson('.gemini/settings.json'), ignoreFile('.geminiignore')]
        : [mcpServersJson('.gemini/settings.json')];
  }
}
