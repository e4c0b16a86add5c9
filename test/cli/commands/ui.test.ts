import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../../../src/cli/main.js';
import { fakeIo, initializedProject, type tempDirs } from '../fake-io.js';

let dirs: ReturnType<typeof tempDirs>;
let project: string;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dirs, project, env } = await initializedProject());
});
afterEach(() => dirs.cleanup());

describe('latch ui', () => {
  it.each([
    [['--port', 'eighty']],
    [['--port', '70000']],
    [['--idle', 'soon']],
    [['extra']],
  ])('refuses %j with exit 2', async (args) => {
    const io = fakeIo({ cwd: project, env });
    expect(await runMain(['ui', '--no-open', ...args], io)).toBe(2);
  });

  it('prints the address with its token, serves the page, and stops after the idle time', async () => {
    const io = fakeIo({ cwd: project, env });
    const running = runMain(['ui', '--no-open', '--idle', '1s'], io);
    let address: RegExpExecArray | null = null;
    for (let tries = 0; tries < 100 && !address; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      address = /latch ui: (http:\/\/127\.0\.0\.1:(\d+)\/)#token=[A-Za-z0-9_-]{43}\n/.exec(io.out());
    }
    expect(address, io.err()).not.toBeNull();
    const page = await fetch(address![1]!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    expect((await fetch(`${address![1]}api/overview`)).status).toBe(401);
    expect(await running).toBe(0);
    expect(io.out()).toContain('latch ui: stopped\n');
  });

  it('registers itself in LATCH_HOME while it serves, and stops on `latch lock`', async () => {
    const io = fakeIo({ cwd: project, env });
    const running = runMain(['ui', '--no-open'], io);
    let port: string | undefined;
    for (let tries = 0; tries < 100 && !port; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      port = /latch ui: http:\/\/127\.0\.0\.1:(\d+)\//.exec(io.out())?.[1];
    }
    expect(port, io.err()).toBeDefined();
    expect(readdirSync(join(env.LATCH_HOME!, 'ui'))).toEqual([`${process.pid}-${port}.json`]);
    const lock = fakeIo({ cwd: project, env });
    expect(await runMain(['lock'], lock), lock.err()).toBe(0);
    expect(lock.out()).toContain(`stopped latch ui on port ${port} (pid ${process.pid})\n`);
    expect(await running).toBe(0);
    expect(io.out()).toContain('latch ui: stopped\n');
    expect(readdirSync(join(env.LATCH_HOME!, 'ui'))).toEqual([]);
  });

  it('opens the browser through a 0600 launch page, so the token is never on an argv', async () => {
    // A stand-in for the desktop's opener, on PATH: it records its argv and the page it got.
    const bin = join(dirs.root, 'bin');
    mkdirSync(bin);
    const log = join(dirs.root, 'opened');
    writeFileSync(
      join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}.argv'\nstat -c %a "\${1#file://}" > '${log}.mode'\ncat "\${1#file://}" > '${log}.page'\n`,
    );
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const io = fakeIo({ cwd: project, env: { ...env, PATH: `${bin}:/usr/bin:/bin` } });
    const running = runMain(['ui', '--idle', '2s'], io);
    for (let tries = 0; tries < 150 && !existsSync(`${log}.page`); tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(io.out())?.[1];
    expect(token, io.err()).toBeDefined();
    const argv = readFileSync(`${log}.argv`, 'utf8');
    expect(argv).toMatch(/^file:\/\/.*\/ui\/open-\d+-\d+\.html\n$/);
    expect(argv).not.toContain(token);
    expect(readFileSync(`${log}.mode`, 'utf8').trim()).toBe('600');
    expect(readFileSync(`${log}.page`, 'utf8')).toContain(`url=http://127.0.0.1:`);
    expect(readFileSync(`${log}.page`, 'utf8')).toContain(`#token=${token}`);
    expect(await running).toBe(0);
    // Gone with the server.
    expect(readdirSync(join(env.LATCH_HOME!, 'ui'))).toEqual([]);
  });
});
