/** `latch mcp install`: each client's configuration, printed or merged into its files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../../src/cli/main.js';
import { fakeIo, tempDirs } from '../fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
beforeEach(() => {
  dirs = tempDirs();
  project = join(dirs.root, 'shop');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'latch.yaml'), 'project: shop\nenvironments:\n  dev: {}\nsecrets: []\n');
});
afterEach(() => dirs.cleanup());

/** The files `--print` printed, by path. */
function printedFiles(out: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const part of out.split(/^==> /m).filter(Boolean)) {
    const [header, ...rest] = part.split('\n');
    files.set(header!.replace(/ <==$/, ''), rest.join('\n'));
  }
  return files;
}

describe('latch mcp install', () => {
  it('claude --print: a .mcp.json Claude Code reads, and deny rules for .env files; nothing written', async () => {
    const io = fakeIo({ cwd: join(project, 'src'), env: { HOME: dirs.root } });
    expect(await runMain(['mcp', 'install', 'claude', '--print'], io)).toBe(0);
    const files = printedFiles(io.out());
    const config = JSON.parse(files.get(join(project, '.mcp.json'))!);
    // Claude Code's project scope: {"mcpServers": {NAME: {"command", "args"}}} (stdio servers).
    expect(config).toEqual({ mcpServers: { latch: { command: 'latch', args: ['mcp'] } } });
    const settings = JSON.parse(files.get(join(project, '.claude', 'settings.json'))!);
    expect(settings.permissions.deny).toEqual([
      'Read(./.env)',
      'Read(./.env.*)',
      'Read(./**/.env)',
      'Read(./**/.env.*)',
    ]);
    expect(() => readFileSync(join(project, '.mcp.json'))).toThrow();
  });

  it('merges into the files that are there, keeping what they hold, and says when nothing changes', async () => {
    writeFileSync(
      join(project, '.mcp.json'),
      JSON.stringify({ mcpServers: { other: { command: 'other' } }, extra: 1 }),
    );
    mkdirSync(join(project, '.claude'));
    writeFileSync(
      join(project, '.claude', 'settings.json'),
      JSON.stringify({ permissions: { deny: ['Bash(rm:*)'] } }),
    );
    const io = fakeIo({ cwd: project, env: { HOME: dirs.root } });
    expect(await runMain(['mcp', 'install', 'claude'], io)).toBe(0);
    const config = JSON.parse(readFileSync(join(project, '.mcp.json'), 'utf8'));
    expect(config).toEqual({
      mcpServers: { other: { command: 'other' }, latch: { command: 'latch', args: ['mcp'] } },
      extra: 1,
    });
    const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    expect(settings.permissions.deny[0]).toBe('Bash(rm:*)');
    const again = fakeIo({ cwd: project, env: { HOME: dirs.root } });
    await runMain(['mcp', 'install', 'claude'], again);
    expect(again.out()).toContain('already starts latch mcp');
  });

  it('codex --user: a [mcp_servers.latch] table in ~/.codex/config.toml, once', async () => {
    mkdirSync(join(dirs.root, '.codex'));
    writeFileSync(join(dirs.root, '.codex', 'config.toml'), 'model = "o3"\n');
    const io = fakeIo({ cwd: project, env: { HOME: dirs.root } });
    await runMain(['mcp', 'install', 'codex', '--user'], io);
    await runMain(['mcp', 'install', 'codex', '--user'], io);
    expect(readFileSync(join(dirs.root, '.codex', 'config.toml'), 'utf8')).toBe(
      'model = "o3"\n\n[mcp_servers.latch]\ncommand = "latch"\nargs = ["mcp"]\n',
    );
  });

  it.each([
    ['cursor', ['.cursor/mcp.json', '.cursorignore']],
    ['gemini', ['.gemini/settings.json', '.geminiignore']],
  ])('%s: the server and an ignore file for .env files', async (client, paths) => {
    const io = fakeIo({ cwd: project, env: { HOME: dirs.root } });
    await runMain(['mcp', 'install', client, '--print'], io);
    const files = printedFiles(io.out());
    expect(JSON.parse(files.get(join(project, paths[0]!))!).mcpServers.latch).toEqual({
      command: 'latch',
      args: ['mcp'],
    });
    expect(files.get(join(project, paths[1]!))).toContain('.env.*');
  });

  it('refuses an unknown client and a file that is not JSON', async () => {
    expect(await runMain(['mcp', 'install', 'vim'], fakeIo({ cwd: project }))).toBe(2);
    writeFileSync(join(project, '.mcp.json'), '{oops');
    const io = fakeIo({ cwd: project, env: { HOME: dirs.root } });
    expect(await runMain(['mcp', 'install', 'claude'], io)).toBe(2);
    expect(io.err()).toContain('.mcp.json is not valid JSON');
  });
});
