/**
 * The MCP tools as data: each one's name, the description a model reads, and its input's
 * JSON schema; and the check of a call's arguments against that schema. Pure.
 *
 * No tool takes or returns a value: the schemas have no field through which a value could
 * come in, and an argument the schema does not name is refused, not ignored, so no
 * argument can switch a tool into revealing one.
 */
import { LatchError } from '../shared/errors.js';

/** A property of a tool's input: the JSON schema subset latch's tools use. */
export type PropertySchema =
  | { type: 'string'; description: string; minLength?: number; maxLength?: number }
  | { type: 'integer'; description: string; minimum: number; maximum: number }
  | { type: 'boolean'; description: string }
  | {
      type: 'array';
      description: string;
      items: { type: 'string'; maxLength?: number };
      minItems?: number;
      maxItems?: number;
    };

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: {
    type: 'object';
    properties: Record<string, PropertySchema>;
    required?: string[];
    additionalProperties: false;
  };
}

/** The default and the longest `timeout_seconds` of latch_run (the issue: 5 min, 1 h). */
export const defaultRunTimeoutSeconds = 300;
export const maxRunTimeoutSeconds = 3600;

const environment: PropertySchema = {
  type: 'string',
  description:
    "The environment (for example dev or staging). Default: the one the server was started with, else the manifest's default.",
  minLength: 1,
  maxLength: 64,
};

export const tools: ToolSpec[] = [
  {
    name: 'latch_list',
    description:
      "Lists the secrets this project needs in an environment, by name: whether each is required, set or missing, when it expires and whether it is due for rotation. Never returns a secret's value; to use secrets, run a command with latch_run.",
    inputSchema: { type: 'object', properties: { environment }, additionalProperties: false },
  },
  {
    name: 'latch_check',
    description:
      'Checks that an environment has every required secret: lists the missing, expired and rotation-due ones by name. If one is missing, ask the person for it with latch_request_secret.',
    inputSchema: { type: 'object', properties: { environment }, additionalProperties: false },
  },
  {
    name: 'latch_run',
    description:
      "Runs a program in the project directory with the environment's secrets injected as environment variables, and returns its exit code and its output with every secret value (raw or encoded) replaced by <latch:NAME>. argv is the program and its arguments, not a shell command line: no shell runs unless argv[0] is a shell the person's policy allows. Programs that print the environment (env, printenv, export, set, declare) are refused. The program is stopped at the timeout, and output beyond the cap is dropped (the result says so).",
    inputSchema: {
      type: 'object',
      properties: {
        argv: {
          type: 'array',
          description: 'The program and its arguments, for example ["npm", "test"].',
          items: { type: 'string', maxLength: 32768 },
          minItems: 1,
          maxItems: 1024,
        },
        environment,
        timeout_seconds: {
          type: 'integer',
          description: `Stop the program after this many seconds (default ${defaultRunTimeoutSeconds}, at most ${maxRunTimeoutSeconds}).`,
          minimum: 1,
          maximum: maxRunTimeoutSeconds,
        },
      },
      required: ['argv'],
      additionalProperties: false,
    },
  },
];

/** The most findings latch_scan and deliveries latch_audit return. */
export const maxListedItems = 200;

tools.push(
  {
    name: 'latch_request_secret',
    description:
      'Asks the person for a secret this project needs and does not have: records NAME and your reason, and tells the person (a desktop notification and a line in `latch status`) to run `latch set NAME`. The person types the value into latch, never into this conversation: do not ask them to paste it here. Call latch_check later to see whether it is set.',
    inputSchema: {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          description: "The secret's name, an environment variable name such as STRIPE_SECRET_KEY.",
          minLength: 1,
          maxLength: 128,
        },
        reason: {
          type: 'string',
          description: 'Why it is needed, in one sentence the person will read.',
          minLength: 1,
          maxLength: 300,
        },
        environment,
      },
      required: ['name', 'reason'],
      additionalProperties: false,
    },
  },
  {
    name: 'latch_scan',
    description:
      "Scans files of the project (or the staged changes) for credentials and for values of secrets latch manages. Returns each finding's rule, file and line, never the matched text. Use it before committing.",
    inputSchema: {
      type: 'object',
      properties: {
        paths: {
          type: 'array',
          description:
            'Files or directories inside the project, relative to it (default: the whole project).',
          items: { type: 'string', maxLength: 4096 },
          maxItems: 256,
        },
        staged: {
          type: 'boolean',
          description: 'Scan the changes staged for the next git commit instead of files.',
        },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'latch_audit',
    description:
      "Lists the recent deliveries of this project's secrets from latch's audit log: when, which environment, which secrets by name, to which program, and who (user or agent). No values.",
    inputSchema: {
      type: 'object',
      properties: {
        limit: {
          type: 'integer',
          description: `How many of the most recent deliveries (default 50, at most ${maxListedItems}).`,
          minimum: 1,
          maximum: maxListedItems,
        },
      },
      additionalProperties: false,
    },
  },
);

/** The tool named `name`, or undefined. */
export function findTool(name: string): ToolSpec | undefined {
  return tools.find((tool) => tool.name === name);
}

/** A call's arguments, checked: only the schema's properties, of its types and bounds. */
export type ToolArguments = Record<string, string | number | boolean | string[]>;

function checkProperty(
  name: string,
  schema: PropertySchema,
  value: unknown,
): string | number | boolean | string[] {
  const wrong = (what: string) => new LatchError('E_USAGE', `argument ${name} must be ${what}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') throw wrong('a string');
      if (
        value.length < (schema.minLength ?? 0) ||
        value.length > (schema.maxLength ?? Number.POSITIVE_INFINITY)
      )
        throw wrong(`a string of ${schema.minLength ?? 0} to ${schema.maxLength} characters`);
      return value;
    case 'integer':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < schema.minimum ||
        value > schema.maximum
      )
        throw wrong(`an integer from ${schema.minimum} to ${schema.maximum}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('true or false');
      return value;
    case 'array': {
      if (!Array.isArray(value)) throw wrong('an array of strings');
      if (
        value.length < (schema.minItems ?? 0) ||
        value.length > (schema.maxItems ?? Number.POSITIVE_INFINITY)
      )
        throw wrong(`an array of ${schema.minItems ?? 0} to ${schema.maxItems} strings`);
      for (const item of value)
        if (typeof item !== 'string' || item.length > (schema.items.maxLength ?? Number.POSITIVE_INFINITY))
          throw wrong('an array of strings');
      return value as string[];
    }
  }
}

/**
 * Checks `input` against the tool's schema. Throws E_USAGE naming an unknown or missing
 * argument or one of the wrong type (never echoing the argument's value).
 */
export function checkArguments(tool: ToolSpec, input: unknown): ToolArguments {
  const given = input ?? {};
  if (typeof given !== 'object' || Array.isArray(given))
    throw new LatchError('E_USAGE', `${tool.name} takes an object of named arguments`);
  const checked: ToolArguments = {};
  const { properties, required = [] } = tool.inputSchema;
  for (const [name, value] of Object.entries(given)) {
    const schema = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (!schema) {
      const known = Object.keys(properties);
      throw new LatchError(
        'E_USAGE',
        `${tool.name} has no argument "${name.slice(0, 64)}"; it takes ${known.length > 0 ? known.join(', ') : 'none'}`,
      );
    }
    checked[name] = checkProperty(name, schema, value);
  }
  for (const name of required)
    if (!(name in checked)) throw new LatchError('E_USAGE', `${tool.name} needs the argument ${name}`);
  return checked;
}
