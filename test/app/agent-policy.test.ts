import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentPolicy, projectPolicy, readAgentPolicy } from '../../src/app/agent-policy.js';

describe('parseAgentPolicy', () => {
  it('reads each project, falls back to *, then to the default', () => {
    const policy = parseAgentPolicy(
      JSON.stringify({
        projects: {
          myapp: {
            environments: ['dev', 'staging'],
            commands: ['npm'],
            shells: ['bash'],
            environment_printers: true,
          },
          '*': { environments: ['dev'] },
        },
      }),
    );
    expect(projectPolicy(policy, 'myapp')).toEqual({
      environments: ['dev', 'staging'],
      commands: ['npm'],
      shells: ['bash'],
      environmentPrinters: true,
    });
    expect(projectPolicy(policy, 'other').environments).toEqual(['dev']);
    expect(projectPolicy({ projects: {} }, 'x')).toEqual({
      environments: null,
      commands: null,
      shells: [],
      environmentPrinters: false,
    });
  });

  it.each([
    ['{', 'not valid JSON'],
    ['[]', 'must hold a JSON object'],
    ['{"project": {}}', 'unknown key "project"'],
    ['{"projects": {"a": {"environment": ["dev"]}}}', 'unknown key projects.a.environment'],
    ['{"projects": {"a": {"shells": "bash"}}}', 'must be a list of names'],
    ['{"projects": {"a": {"environment_printers": "yes"}}}', 'must be true or false'],
  ])('refuses %s', (text, message) => {
    expect(() => parseAgentPolicy(text)).toThrow(message);
  });
});

describe('readAgentPolicy', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'latch-policy-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));
  const file = () => join(home, 'agent-policy.json');
  const text = JSON.stringify({ projects: { '*': { environments: ['dev', 'staging'] } } });

  it('no file is the default policy', () => {
    expect(readAgentPolicy(home)).toEqual({ projects: {} });
  });

  it('reads a 0600 file', () => {
    writeFileSync(file(), text, { mode: 0o600 });
    expect(projectPolicy(readAgentPolicy(home), 'x').environments).toEqual(['dev', 'staging']);
  });

  it.each([0o620, 0o640, 0o604, 0o660])('refuses mode %o', (mode) => {
    writeFileSync(file(), text);
    chmodSync(file(), mode);
    expect(() => readAgentPolicy(home)).toThrow(/mode 0600/);
  });

  it('refuses a symlink, even to a 0600 file', () => {
    const target = join(home, 'elsewhere.json');
    writeFileSync(target, text, { mode: 0o600 });
    symlinkSync(target, file());
    expect(() => readAgentPolicy(home)).toThrow(/not a symlink/);
  });
});
