import { describe, expect, it } from 'vitest';
import { backendById, chooseBackend, markedAsSecret } from '../../src/clipboard/backends.js';
import { fingerprint, matchesFingerprint } from '../../src/clipboard/fingerprint.js';
import { runTool } from '../../src/clipboard/tool.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const all = () => true;
const none = () => false;

describe('chooseBackend', () => {
  it.each([
    ['darwin', {}, all, 'pbcopy'],
    ['win32', {}, all, 'clip.exe'],
    ['linux', { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, all, 'wl-copy'],
    ['linux', { DISPLAY: ':0' }, all, 'xclip'],
    ['linux', { DISPLAY: ':0' }, (command: string) => command === 'xsel', 'xsel'],
  ] as const)('%s %j picks %s', (platform, env, has, id) => {
    expect(chooseBackend(platform, env, has)).toMatchObject({ id });
  });

  it('says what to install, or that there is no display', () => {
    expect(chooseBackend('linux', { DISPLAY: ':0' }, none)).toEqual({
      reason: 'no-tool',
      message: 'no clipboard tool found; install xclip or xsel (apt install xclip)',
    });
    expect(chooseBackend('linux', { SSH_TTY: '/dev/pts/1' }, all)).toMatchObject({
      reason: 'no-display',
      message: expect.stringMatching(/over SSH, --osc52/),
    });
  });
});

describe('markedAsSecret', () => {
  it('adds --sensitive for a wl-copy that has it, and changes nothing otherwise', () => {
    const wayland = backendById('wl-copy')!;
    expect(markedAsSecret(wayland, '  -s, --sensitive  hint that the data is sensitive').copy.args).toEqual([
      '--type',
      'text/plain',
      '--sensitive',
    ]);
    expect(markedAsSecret(wayland, '  -o, --paste-once').copy.args).toEqual(['--type', 'text/plain']);
    expect(markedAsSecret(backendById('xclip')!, '--sensitive')).toBe(backendById('xclip'));
  });
});

describe('fingerprint', () => {
  it('matches the same value only, with a fresh salt each time', () => {
    const first = fingerprint(bytes('value-1'));
    expect(matchesFingerprint(bytes('value-1'), first)).toBe(true);
    expect(matchesFingerprint(bytes('value-2'), first)).toBe(false);
    expect(fingerprint(bytes('value-1')).hash).not.toBe(first.hash);
    expect(JSON.stringify(first)).not.toMatch(/value-1/);
  });
});

describe('runTool', () => {
  it('gives up on a tool that hangs', async () => {
    const started = Date.now();
    await expect(
      runTool({ command: 'sleep', args: ['30'] }, process.env, { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'E_CLIPBOARD', message: expect.stringMatching(/did not finish within/) });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('passes the input on stdin and reads stdout', async () => {
    expect(
      (
        await runTool({ command: 'cat', args: [] }, process.env, { input: bytes('abc'), capture: true })
      ).toString(),
    ).toBe('abc');
  });
});
