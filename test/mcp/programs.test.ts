import { describe, expect, it } from 'vitest';
import { defaultAllowance, refusalFor } from '../../src/mcp/programs.js';

describe('refusalFor', () => {
  it.each([
    [['env']],
    [['/usr/bin/env', 'FOO=1', 'npm', 'test']],
    [['printenv']],
    [['declare', '-x']],
    [['cat', '/proc/self/environ']],
    [['xxd', '/proc/1234/task/1234/environ']],
    [['bash', '-c', 'npm test']],
    [['/bin/sh']],
  ])('refuses %j by default', (argv) => {
    expect(refusalFor(argv, defaultAllowance)).not.toBeNull();
  });

  it.each([
    [['npm', 'test']],
    [['node', 'server.js']],
    [['cat', 'README.md']],
    [['envsubst']],
  ])('lets %j run', (argv) => {
    expect(refusalFor(argv, defaultAllowance)).toBeNull();
  });

  it('lets a shell or an environment printer run when the policy allows it', () => {
    expect(
      refusalFor(['bash', '-c', 'npm test'], { shells: ['bash'], environmentPrinters: false }),
    ).toBeNull();
    expect(refusalFor(['zsh'], { shells: ['bash'], environmentPrinters: false })).toContain('is a shell');
    expect(refusalFor(['env'], { shells: [], environmentPrinters: true })).toBeNull();
  });
});
