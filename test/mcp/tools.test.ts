import { describe, expect, it } from 'vitest';
import { checkArguments, findTool, tools } from '../../src/mcp/tools.js';

const run = findTool('latch_run')!;

describe('checkArguments', () => {
  it('accepts the declared arguments', () => {
    expect(checkArguments(run, { argv: ['npm', 'test'], timeout_seconds: 60 })).toEqual({
      argv: ['npm', 'test'],
      timeout_seconds: 60,
    });
    expect(checkArguments(findTool('latch_list')!, undefined)).toEqual({});
  });

  it.each([
    [{ argv: ['true'], reveal: true }, 'has no argument "reveal"'],
    [{}, 'needs the argument argv'],
    [{ argv: [] }, 'argv must be an array of 1 to 1024 strings'],
    [{ argv: 'npm test' }, 'argv must be an array of strings'],
    [{ argv: ['true', 3] }, 'argv must be an array of strings'],
    [{ argv: ['true'], timeout_seconds: 3601 }, 'timeout_seconds must be an integer from 1 to 3600'],
    [{ argv: ['true'], timeout_seconds: 1.5 }, 'timeout_seconds must be an integer'],
    [{ argv: ['true'], environment: '' }, 'environment must be a string'],
    [['true'], 'takes an object of named arguments'],
  ])('refuses %j', (input, message) => {
    expect(() => checkArguments(run, input)).toThrow(message);
  });

  it('names no argument that could carry or ask for a value', () => {
    for (const tool of tools)
      for (const name of Object.keys(tool.inputSchema.properties))
        expect(name).not.toMatch(/value|reveal|show/);
  });
});
