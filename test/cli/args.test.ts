import { describe, expect, it } from 'vitest';
import { type CommandSpec, parseArgs } from '../../src/cli/args.js';
import { findCommand } from '../../src/cli/commands.js';

const run = findCommand('run') as CommandSpec;
const set = findCommand('set') as CommandSpec;

describe('parseArgs', () => {
  it.each([
    [set, ['NAME', '--env', 'prod'], { options: { env: 'prod' }, positionals: ['NAME'], rest: [] }],
    [
      set,
      ['NAME', '--env=prod', '-p', 'x'],
      { options: { env: 'prod', project: 'x' }, positionals: ['NAME'], rest: [] },
    ],
    [set, ['--generate', 'NAME'], { options: { generate: true }, positionals: ['NAME'], rest: [] }],
    [run, ['--', 'node', '--env', 'x'], { options: {}, positionals: [], rest: ['node', '--env', 'x'] }],
    [run, ['-e', 'ci', '--', 'ls', '-la'], { options: { env: 'ci' }, positionals: [], rest: ['ls', '-la'] }],
    [
      run,
      ['--dry-run', 'npm', 'test', '--watch'],
      { options: { 'dry-run': true }, positionals: [], rest: ['npm', 'test', '--watch'] },
    ],
  ])('%#: parses %j', (spec, argv, expected) => {
    expect(parseArgs(spec, argv)).toEqual(expected);
  });

  it.each([
    [set, ['--bogus'], /unknown option --bogus/],
    [set, ['NAME', '--env'], /needs a value/],
    [set, ['NAME', '--generate=yes'], /takes no value/],
  ])('%#: refuses %j', (spec, argv, message) => {
    expect(() => parseArgs(spec, argv)).toThrow(message);
  });
});
