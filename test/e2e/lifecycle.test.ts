/** history, rotate and rollback as built: every value survives passwd and separate processes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initProject, latch, makeSandbox, type Sandbox } from './harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = makeSandbox();
  initProject(sandbox);
});
afterEach(() => sandbox.cleanup());

describe('history, rotate and rollback', () => {
  it('keep every value across passwd and restarts', () => {
    const ok = (args: string[], options: Parameters<typeof latch>[2] = {}) => {
      const result = latch(sandbox, args, options);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return result;
    };
    ok(['set', 'API_KEY'], { input: 'first-value-1' });
    ok(['rotate', 'API_KEY'], { input: 'second-value-2' });
    const newPassphrase = 'another passphrase 2';
    ok(['passwd'], { env: { LATCH_NEW_PASSPHRASE: newPassphrase } });
    sandbox.env.LATCH_PASSPHRASE = newPassphrase;
    ok(['rollback', 'API_KEY']);
    expect(ok(['get', 'API_KEY', '--reveal']).stdout).toBe('first-value-1');
    const history = JSON.parse(ok(['history', 'API_KEY', '--json']).stdout);
    expect(history.versions.map((entry: { setBy: string }) => entry.setBy)).toEqual([
      'set',
      'rotate',
      'rollback',
    ]);
    ok(['rollback', 'API_KEY', '--to', '2']);
    expect(ok(['get', 'API_KEY', '--reveal']).stdout).toBe('second-value-2');
    const audit = JSON.parse(ok(['audit', '--json']).stdout) as { event: string }[];
    expect(audit.map((record) => record.event).filter((event) => event !== 'reveal')).toEqual([
      'set',
      'rotate',
      'passwd',
      'rollback',
      'rollback',
    ]);
    expect(ok(['audit', 'verify']).code).toBe(0);
  });
});
