import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { declaredSecrets, type Manifest, parseManifest } from '../../src/manifest/manifest.js';
import {
  addEnvironmentToManifest,
  addSecretsToManifest,
  addSecretToManifest,
  removeEnvironmentFromManifest,
  renderEnvExample,
  renderManifest,
} from '../../src/manifest/text.js';
import { LatchError } from '../../src/shared/errors.js';

/** The error a call throws, as plain data, so a table can pin code and message exactly. */
function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof LatchError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a LatchError');
}

// Fake credentials are assembled at run time so that secret scanners do not flag this file.
const randomBody = ['R7xK2mQ9vL4n', 'W8pT3sY6bZ1c', 'F5hJ0dG2aE4u'].join('');
const fake = {
  openai: `sk-proj-${randomBody}`,
  github: `ghp_${randomBody}`,
  githubFineGrained: `github_pat_${randomBody}`,
  slack: `xoxb-1234567890-${randomBody}`,
  aws: `AKIA${'Q3ZT7WJX2MB5KD9R'}`,
  base64: ['q8Zr/T2vLx9+', 'Wm4Kp1Ys7Bn3', 'Hd6Fj0Gc'].join(''),
  hex: ['3f786850e387', '550fdab836ed', '7e6dc881de23001b'].join(''),
  pem: ['-----BEGIN', 'OPENSSH PRIVATE KEY-----'].join(' '),
};

const noValues = 'the manifest must not hold secret values; store them with';

const example = `# Which secrets myapp needs. Values live in the vault.
project: myapp   # matches the vault project
default_environment: dev
environments:
  dev: {}
  staging:
  prod: { protected: true } # asks on a terminal

secrets:
  - name: OPENAI_API_KEY
    required: true
    description: used by the summarizer
    owner: alice
    rotate_every: 90d
  - name: AWS_SECRET_ACCESS_KEY
    required: false
    environments: [staging, prod]
  - name: SENTRY_DSN
    environments:
      - prod   # errors only matter here
# keep this list sorted by feature
`;

const exampleManifest: Manifest = {
  project: 'myapp',
  defaultEnvironment: 'dev',
  environments: { dev: { protected: false }, staging: { protected: false }, prod: { protected: true } },
  secrets: [
    {
      name: 'OPENAI_API_KEY',
      required: true,
      description: 'used by the summarizer',
      owner: 'alice',
      rotateEvery: '90d',
    },
    { name: 'AWS_SECRET_ACCESS_KEY', required: false, environments: ['staging', 'prod'] },
    { name: 'SENTRY_DSN', required: true, environments: ['prod'] },
  ],
};

describe('parseManifest', () => {
  it.each<[string, string, Manifest]>([
    ['the full example', example, exampleManifest],
    [
      'the smallest manifest: default dev, no secrets',
      'project: app\nenvironments:\n  ci: {}\n  dev:\n',
      {
        project: 'app',
        defaultEnvironment: 'dev',
        environments: { ci: { protected: false }, dev: { protected: false } },
        secrets: [],
      },
    ],
    [
      'no dev: the first environment is the default',
      'project: app\nenvironments: { staging: {}, prod: { protected: false } }\nsecrets:\n',
      {
        project: 'app',
        defaultEnvironment: 'staging',
        environments: { staging: { protected: false }, prod: { protected: false } },
        secrets: [],
      },
    ],
    [
      'flow style, an empty list and null optional fields',
      'project: app\ndefault_environment: prod\nenvironments: {dev: ~, prod: {protected: true}}\n' +
        'secrets: [{name: A, required: ~, description: ~, environments: ~}]\n',
      {
        project: 'app',
        defaultEnvironment: 'prod',
        environments: { dev: { protected: false }, prod: { protected: true } },
        secrets: [{ name: 'A', required: true }],
      },
    ],
    [
      'environments shared with the team (latch team init)',
      'project: app\nenvironments:\n  dev: { shared: true }\n  staging: { shared: false }\n  prod: { protected: true, shared: true }\n',
      {
        project: 'app',
        defaultEnvironment: 'dev',
        environments: {
          dev: { protected: false, shared: true },
          staging: { protected: false },
          prod: { protected: true, shared: true },
        },
        secrets: [],
      },
    ],
    [
      'names written as plain numbers keep their text',
      'project: 2048\nenvironments:\n  2024: {}\nsecrets:\n  - name: _1\n    environments: [2024]\n',
      {
        project: '2048',
        defaultEnvironment: '2024',
        environments: { '2024': { protected: false } },
        secrets: [{ name: '_1', required: true, environments: ['2024'] }],
      },
    ],
    [
      'quoted strings and a block description',
      'project: \'my.app\'\nenvironments:\n  dev: {}\nsecrets:\n  - name: "DB_URL"\n    description: |\n      the primary database\n      (read-write)\n',
      {
        project: 'my.app',
        defaultEnvironment: 'dev',
        environments: { dev: { protected: false } },
        secrets: [{ name: 'DB_URL', required: true, description: 'the primary database\n(read-write)\n' }],
      },
    ],
  ])('reads %s', (_label, text, expected) => {
    expect(parseManifest(text)).toStrictEqual(expected);
  });

  // Each text breaks one rule; the message names the line that does.
  it.each<[string, string, string]>([
    [
      'a yaml syntax error',
      'project: "app\nenvironments: {}\n',
      'latch.yaml:3: fix the yaml syntax: missing closing "quote',
    ],
    [
      'tabs as indentation',
      'project: app\nenvironments:\n\tdev: {}\n',
      'latch.yaml:3: tabs are not allowed as indentation: indent with spaces',
    ],
    [
      'two documents',
      'project: app\n---\nproject: other\n',
      'latch.yaml:2: the manifest must be a single yaml document: remove the `---` line',
    ],
    [
      'an empty file',
      '# nothing yet\n',
      'latch.yaml:1: the manifest is empty: add project: and environments: (see `latch init`)',
    ],
    [
      'a list at the top',
      '# header\n- project: app\n',
      'latch.yaml:2: the manifest must be a map with project:, environments: and secrets:',
    ],
    [
      'an unknown top-level key',
      'project: app\nenviroments:\n  dev: {}\n',
      'latch.yaml:2: unknown key "enviroments" at the top level: allowed keys are project, default_environment, environments, secrets',
    ],
    [
      'a repeated top-level key',
      'project: app\nenvironments: { dev: {} }\nproject: other\n',
      'latch.yaml:3: "project" appears twice at the top level (first on line 1): keep one',
    ],
    [
      'a missing project',
      '# header\nenvironments: { dev: {} }\n',
      'latch.yaml:2: project is missing: add project: NAME',
    ],
    [
      'a project that is a list',
      'environments: { dev: {} }\nproject: [a, b]\n',
      'latch.yaml:2: project must be a name: write project: NAME',
    ],
    [
      'a bad project name',
      'environments: { dev: {} }\nproject: -app\n',
      'latch.yaml:2: "-app" is not a valid project name: use letters, digits, ., - and _ (at most 64), starting with a letter or digit',
    ],
    [
      'missing environments',
      'project: app\nsecrets: []\n',
      'latch.yaml:1: environments is missing: add environments: with at least one, like dev: {}',
    ],
    [
      'environments as a list',
      'project: app\nenvironments:\n  - dev\n',
      'latch.yaml:2: environments must be a map of names, like dev: {}',
    ],
    [
      'no environment',
      'project: app\nenvironments: {}\n',
      'latch.yaml:2: environments is empty: declare at least one, like dev: {}',
    ],
    [
      'a bad environment name',
      'project: app\nenvironments:\n  dev: {}\n  Prod: {}\n',
      'latch.yaml:4: "Prod" is not a valid environment name: use a-z, 0-9, - and _ (at most 32), starting with a letter or digit',
    ],
    [
      'a repeated environment',
      'project: app\nenvironments:\n  dev: {}\n  prod: {}\n  dev: { protected: true }\n',
      'latch.yaml:5: environment dev is declared twice (first on line 3): keep one',
    ],
    [
      'an environment that is not a map',
      'project: app\nenvironments:\n  dev: {}\n  prod: true\n',
      'latch.yaml:4: environment prod must be a map like {} or { protected: true }',
    ],
    [
      'an unknown key in an environment',
      'project: app\nenvironments:\n  dev: {}\n  prod:\n    protect: true\n',
      'latch.yaml:5: unknown key "protect" in environment prod: allowed keys are protected, shared',
    ],
    [
      'protected that is not a boolean',
      'project: app\nenvironments:\n  dev: {}\n  prod: { protected: yes }\n',
      'latch.yaml:4: protected in environment prod must be true or false',
    ],
    [
      'an undeclared default_environment',
      'project: app\nenvironments:\n  dev: {}\n  prod: {}\ndefault_environment: qa\n',
      'latch.yaml:5: default_environment "qa" is not declared under environments: use one of dev, prod',
    ],
    [
      'secrets as a map',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  API_KEY: {}\n',
      'latch.yaml:3: secrets must be a list of entries like - name: API_KEY',
    ],
    [
      'a secret entry that is a bare name',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n  - API_KEY\n',
      'latch.yaml:5: each entry of secrets must be a map: write - name: API_KEY',
    ],
    [
      'a secret entry without a name',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n  - required: true\n    owner: bob\n',
      'latch.yaml:5: this secret entry has no name: add name: NAME',
    ],
    [
      'a bad secret name',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - required: true\n    name: 2FA_SEED\n',
      'latch.yaml:5: "2FA_SEED" is not a valid secret name: use letters, digits and _, not starting with a digit',
    ],
    [
      'a repeated secret',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n  - name: B\n  - name: A\n',
      'latch.yaml:6: secret A is declared twice (first on line 4): keep one',
    ],
    [
      'an unknown key in a secret',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    requred: false\n',
      'latch.yaml:5: unknown key "requred" in secret A: allowed keys are name, required, description, environments, owner, rotate_every',
    ],
    [
      'a repeated key in a secret',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    owner: bob\n    owner: eve\n',
      'latch.yaml:6: "owner" appears twice in secret A (first on line 5): keep one',
    ],
    [
      'required that is not a boolean',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    required: "false"\n',
      'latch.yaml:5: required in secret A must be true or false',
    ],
    [
      'a description that is a list',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    description: [a, b]\n',
      'latch.yaml:5: description in secret A must be text: quote it',
    ],
    [
      'an owner that is a number',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    owner: 42\n',
      'latch.yaml:5: owner in secret A must be text: quote it',
    ],
    [
      'a bad rotate_every',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    rotate_every: 3 months\n',
      'latch.yaml:5: rotate_every in secret A must be a duration like 90d: a number and one of s, m, h, d, w, y',
    ],
    [
      'secret environments that are not a list',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    environments: dev\n',
      'latch.yaml:5: environments in secret A must be a list of environment names, like [staging, prod]',
    ],
    [
      'an empty list of secret environments',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    environments: []\n',
      'latch.yaml:5: environments in secret A is empty: list at least one, or remove it to mean all',
    ],
    [
      'an undeclared secret environment',
      'project: app\nenvironments: { dev: {}, prod: {} }\nsecrets:\n  - name: A\n    environments:\n      - dev\n      - staging\n',
      'latch.yaml:7: secret A lists environment "staging", which is not declared: add it under environments: or remove it here',
    ],
    [
      'a repeated secret environment',
      'project: app\nenvironments: { dev: {}, prod: {} }\nsecrets:\n  - name: A\n    environments: [prod, dev, prod]\n',
      'latch.yaml:5: secret A lists prod twice: keep one',
    ],
    [
      'an alias',
      'project: app\nenvironments:\n  dev: &plain {}\n  prod: *plain\n',
      'latch.yaml:4: aliases (*name) are not supported in the manifest: write it out',
    ],
  ])('refuses %s', (_label, text, message) => {
    expect(failure(() => parseManifest(text))).toStrictEqual({ code: 'E_MANIFEST', message });
  });

  it('names the file it was given', () => {
    expect(failure(() => parseManifest('project: app\n', 'apps/web/latch.yaml')).message).toBe(
      'apps/web/latch.yaml:1: environments is missing: add environments: with at least one, like dev: {}',
    );
  });

  it.each<[string, string, string]>([
    [
      'a value key in a secret',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: API_KEY\n    value: hunter2\n',
      `latch.yaml:5: remove "value" from secret API_KEY: ${noValues} \`latch set API_KEY\``,
    ],
    [
      'a value key before the name',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - default: abc\n    name: API_KEY\n',
      `latch.yaml:4: remove "default" from secret API_KEY: ${noValues} \`latch set API_KEY\``,
    ],
    [
      'a capitalised value key in an unnamed secret',
      'project: app\nenvironments: { dev: {} }\nsecrets:\n  - Password: abc\n',
      `latch.yaml:4: remove "Password" from this secret entry: ${noValues} \`latch set NAME\``,
    ],
    ...['values', 'secret', 'token', 'key'].map((key): [string, string, string] => [
      `"${key}" in an environment`,
      `project: app\nenvironments:\n  dev:\n    ${key}: abc\n`,
      `latch.yaml:4: remove "${key}" from environment dev: ${noValues} \`latch set NAME\``,
    ]),
    [
      'an OpenAI key as a description',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: OPENAI_API_KEY\n    description: ${fake.openai}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set OPENAI_API_KEY\``,
    ],
    [
      'a key inside a sentence',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    description: the old one was ${fake.openai}, rotate it\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set A\``,
    ],
    [
      'a GitHub token as an owner',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: GH\n    owner: ${fake.github}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set GH\``,
    ],
    [
      'a fine-grained GitHub token',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: GH\n    description: "${fake.githubFineGrained}"\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set GH\``,
    ],
    [
      'a Slack token',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: SLACK\n    description: ${fake.slack}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set SLACK\``,
    ],
    [
      'an AWS access key id',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: AWS\n    description: id ${fake.aws}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set AWS\``,
    ],
    [
      'a private key in a block scalar',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: SSH_KEY\n    description: |\n      ${fake.pem}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set SSH_KEY\``,
    ],
    [
      'a random base64 token',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    description: ${fake.base64}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set A\``,
    ],
    [
      'a random hex token',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    owner: "${fake.hex}"\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set A\``,
    ],
    [
      'a password inside a URL',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: HOOK\n    description: https://deploy:${randomBody.slice(0, 20)}@ci.internal.dev/hook\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set HOOK\``,
    ],
    [
      'a value outside any secret',
      `project: app\nenvironments:\n  dev: {}\n  prod: { protected: ${fake.hex} }\n`,
      `latch.yaml:4: this looks like a secret value: ${noValues} \`latch set NAME\``,
    ],
    [
      'a value in a comment',
      `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A   # was ${fake.github}\n`,
      `latch.yaml:4: this comment looks like a secret value: ${noValues} \`latch set NAME\``,
    ],
    [
      'a value before an earlier mistake in the shape',
      `projec: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    description: ${fake.openai}\n`,
      `latch.yaml:5: this looks like a secret value: ${noValues} \`latch set A\``,
    ],
  ])('refuses value-like content: %s', (_label, text, message) => {
    expect(failure(() => parseManifest(text))).toStrictEqual({ code: 'E_MANIFEST', message });
  });

  it('never echoes the value it refuses', () => {
    const text = `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    description: ${fake.openai}\n`;
    expect(failure(() => parseManifest(text)).message).not.toContain(randomBody);
  });

  it.each([
    'used by the summarizer',
    'Get it from the dashboard: Settings → API keys → Create new secret key. Rotate every 90 days.',
    'sk-...',
    'sk-your-key-here',
    'starts with sk-proj-',
    'sk-learn-compatible-model-server',
    `ghp_${'x'.repeat(36)}`,
    'ghp_your_personal_access_token',
    'AKIAXXXXXXXXXXXXXXXX',
    '<your OpenAI key>',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template
    '${OPENAI_API_KEY}',
    'changeme',
    'https://platform.openai.com/api-keys',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'alice.smith2@example.com',
    'arn:aws:iam::123456789012:role/deploy',
    'myOAuth2ClientForStaging',
    'OPENAI_API_KEY_FOR_STAGING_2',
    'projects/my-project/secrets/db-password',
    '2024-01-01T00:00:00Z',
    'v1.2.3-beta.4+build.567890',
  ])('keeps a placeholder or plain text: %s', (description) => {
    const text = `project: app\nenvironments: { dev: {} }\nsecrets:\n  - name: A\n    description: ${JSON.stringify(description)}\n`;
    expect(parseManifest(text).secrets[0]?.description).toBe(description);
  });

  it('takes random-looking names for names, not values', () => {
    const hexName = `build-${fake.hex.slice(0, 24)}`;
    const text = `project: ${hexName}\nenvironments:\n  ${fake.hex.slice(0, 30)}: {}\nsecrets:\n  - name: K${fake.hex}\n`;
    expect(parseManifest(text)).toMatchObject({ project: hexName, secrets: [{ name: `K${fake.hex}` }] });
  });
});

describe('declaredSecrets', () => {
  it.each([
    ['dev', ['OPENAI_API_KEY']],
    ['staging', ['OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY']],
    ['prod', ['OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'SENTRY_DSN']],
  ])('lists what %s needs, in file order', (environment, names) => {
    expect(declaredSecrets(exampleManifest, environment).map((secret) => secret.name)).toStrictEqual(names);
  });

  it.each(['qa', 'constructor'])('refuses the undeclared environment %s', (environment) => {
    expect(failure(() => declaredSecrets(exampleManifest, environment))).toStrictEqual({
      code: 'E_NOT_FOUND',
      message: `environment "${environment}" is not declared in latch.yaml (declared: dev, staging, prod); add it with \`latch env add ${environment}\``,
    });
  });
});

describe('addSecretToManifest', () => {
  it.each<[string, string, { name: string; description?: string }, string]>([
    [
      'after the last entry of a block list, before the closing comment',
      example,
      { name: 'STRIPE_SECRET_KEY', description: 'payments: live mode # careful' },
      example.replace(
        '# keep this list',
        '  - name: STRIPE_SECRET_KEY\n    description: "payments: live mode # careful"\n# keep this list',
      ),
    ],
    [
      'keeping blank lines between spaced-out entries',
      'project: a\nenvironments: { dev: {} }\nsecrets:\n- name: A\n\n- name: B\n  required: false\n',
      { name: 'C' },
      'project: a\nenvironments: { dev: {} }\nsecrets:\n- name: A\n\n- name: B\n  required: false\n\n- name: C\n',
    ],
    [
      'matching the indentation of the list',
      'project: a\nenvironments:\n    dev: {}\nsecrets:\n    -   name: A\n',
      { name: 'B', description: 'second' },
      'project: a\nenvironments:\n    dev: {}\nsecrets:\n    -   name: A\n    -   name: B\n        description: second\n',
    ],
    [
      'creating secrets: at the end when absent',
      'project: a\nenvironments:\n  dev: {}\n# trailing',
      { name: 'A' },
      'project: a\nenvironments:\n  dev: {}\n# trailing\nsecrets:\n  - name: A\n',
    ],
    [
      'under an empty secrets:',
      'project: a\nsecrets:\nenvironments:\n  dev: {}\n',
      { name: 'A' },
      'project: a\nsecrets:\n  - name: A\nenvironments:\n  dev: {}\n',
    ],
    [
      'replacing an empty flow list, keeping its comment',
      'project: a\nenvironments:\n  dev: {}\nsecrets: [] # none yet\n',
      { name: 'A', description: 'multi\nline' },
      'project: a\nenvironments:\n  dev: {}\nsecrets: # none yet\n  - name: A\n    description: "multi\\nline"\n',
    ],
    [
      'under an empty secrets: with a comment',
      'project: a\nsecrets:   # none yet\n  # really\nenvironments: {dev: {}}\n',
      { name: 'A' },
      'project: a\nsecrets:   # none yet\n  - name: A\n  # really\nenvironments: {dev: {}}\n',
    ],
    [
      'replacing a tagged null',
      'project: a\nenvironments: {dev: {}}\nsecrets: !!null # later\n',
      { name: 'A' },
      'project: a\nenvironments: {dev: {}}\nsecrets: # later\n  - name: A\n',
    ],
    [
      'to a manifest written as JSON',
      '{"project": "a", "environments": {"dev": {}}}\n',
      { name: 'A', description: 'x' },
      '{"project": "a", "environments": {"dev": {}}, secrets: [{ name: A, description: "x" }]}\n',
    ],
    [
      'to an empty list in JSON',
      '{"project": "a", "environments": {"dev": {}}, "secrets": []}',
      { name: 'A' },
      '{"project": "a", "environments": {"dev": {}}, "secrets": [{ name: A }]}',
    ],
    [
      'to a null in JSON',
      '{"project": "a", "environments": {"dev": {}}, "secrets": null}',
      { name: 'A' },
      '{"project": "a", "environments": {"dev": {}}, "secrets": [{ name: A }]}',
    ],
    [
      'replacing ~',
      'project: a\nenvironments: {dev: {}}\nsecrets: ~\n',
      { name: 'A' },
      'project: a\nenvironments: {dev: {}}\nsecrets:\n  - name: A\n',
    ],
    [
      'into a flow list',
      'project: a\nenvironments: {dev: {}}\nsecrets: [{name: A}]  # flow\n',
      { name: 'B', description: 'it, too' },
      'project: a\nenvironments: {dev: {}}\nsecrets: [{name: A}, { name: B, description: "it, too" }]  # flow\n',
    ],
    [
      'keeping CRLF line endings',
      'project: a\r\nenvironments:\r\n  dev: {}\r\nsecrets:\r\n  - name: A\r\n',
      { name: 'B' },
      'project: a\r\nenvironments:\r\n  dev: {}\r\nsecrets:\r\n  - name: A\r\n  - name: B\r\n',
    ],
    ['nothing when already declared', example, { name: 'SENTRY_DSN', description: 'other' }, example],
  ])('adds %s', (_label, text, secret, expected) => {
    const result = addSecretToManifest(text, secret);
    expect(result).toBe(expected);
    expect(parseManifest(result).secrets.map((declared) => declared.name)).toContain(secret.name);
  });

  it.each([
    ['a block list', example],
    ['spaced-out entries', 'project: a\nenvironments: { dev: {} }\nsecrets:\n- name: A\n\n- name: B\n'],
    ['no secrets:', 'project: a\nenvironments:\n  dev: {}\n# trailing'],
    ['an empty secrets:', 'project: a\nsecrets:\nenvironments:\n  dev: {}\n'],
    ['an empty flow list', 'project: a\nenvironments:\n  dev: {}\nsecrets: [] # none yet\n'],
    ['JSON', '{"project": "a", "environments": {"dev": {}}}\n'],
    ['an empty list in JSON', '{"project": "a", "environments": {"dev": {}}, "secrets": []}'],
    ['a flow list', 'project: a\nenvironments: {dev: {}}\nsecrets: [{name: A}]  # flow\n'],
    ['CRLF', 'project: a\r\nenvironments:\r\n  dev: {}\r\nsecrets:\r\n  - name: A\r\n'],
  ])('adds many names to %s in one edit, as one at a time would', (_label, text) => {
    const secrets = [
      { name: 'ONE', description: 'first' },
      { name: 'TWO', environments: ['dev'] },
      { name: 'ONE', description: 'a repeat' },
      { name: 'A' },
      { name: 'THREE' },
    ];
    expect(addSecretsToManifest(text, secrets)).toBe(
      secrets.reduce((current, secret) => addSecretToManifest(current, secret), text),
    );
    expect(addSecretsToManifest(text, [])).toBe(text);
  });

  it('keeps every comment, the key order and the rest of the text byte for byte', () => {
    const result = addSecretToManifest(example, { name: 'NEW_ONE' });
    for (const comment of [
      '# Which secrets myapp needs',
      '# matches the vault project',
      '# asks on a terminal',
    ]) {
      expect(result).toContain(comment);
    }
    expect(result.endsWith('# keep this list sorted by feature\n')).toBe(true);
    expect(result.replace('  - name: NEW_ONE\n', '')).toBe(example);
    const keys = (text: string) => Object.keys(parseDocument(text).toJS() as Record<string, unknown>);
    expect(keys(result)).toStrictEqual(['project', 'default_environment', 'environments', 'secrets']);
  });

  it.each<[string, () => unknown, { code: string; message: string }]>([
    [
      'an invalid manifest',
      () => addSecretToManifest('project: app\nenvironments: {}\n', { name: 'A' }),
      {
        code: 'E_MANIFEST',
        message: 'latch.yaml:2: environments is empty: declare at least one, like dev: {}',
      },
    ],
    [
      'a bad name',
      () => addSecretToManifest(example, { name: 'NOT-A-NAME' }),
      {
        code: 'E_USAGE',
        message:
          '"NOT-A-NAME" is not a valid secret name: use letters, digits and _, not starting with a digit',
      },
    ],
    [
      'a description that looks like a value',
      () => addSecretToManifest(example, { name: 'A', description: fake.openai }),
      { code: 'E_USAGE', message: `the description looks like a secret value: ${noValues} \`latch set A\`` },
    ],
  ])('refuses %s', (_label, run, expected) => {
    expect(failure(run)).toStrictEqual(expected);
  });
});

describe('addEnvironmentToManifest', () => {
  it.each<[string, string, string, boolean, string]>([
    [
      'a block map, after the last environment and before the blank line',
      example,
      'qa',
      false,
      example.replace('# asks on a terminal\n', '# asks on a terminal\n  qa: {}\n'),
    ],
    [
      'a protected one after a nested map',
      'project: a\nenvironments:\n    dev:\n        protected: false\n    # more to come\n',
      'live',
      true,
      'project: a\nenvironments:\n    dev:\n        protected: false\n    live: { protected: true }\n    # more to come\n',
    ],
    [
      'a flow map',
      'project: a\nenvironments: { dev: {} } # all of them\n',
      'prod',
      true,
      'project: a\nenvironments: { dev: {}, prod: { protected: true } } # all of them\n',
    ],
    [
      'a name that reads as a boolean',
      'project: a\nenvironments:\n  dev:',
      'true',
      false,
      'project: a\nenvironments:\n  dev:\n  "true": {}\n',
    ],
    [
      'a manifest written as JSON',
      '{"project": "a", "environments": {"dev": {}}}',
      'ci',
      false,
      '{"project": "a", "environments": {"dev": {}, ci: {}}}',
    ],
    ['nothing when already declared', example, 'prod', false, example],
  ])('adds to %s', (_label, text, name, isProtected, expected) => {
    const result = addEnvironmentToManifest(text, name, { protected: isProtected });
    expect(result).toBe(expected);
    expect(Object.keys(parseManifest(result).environments)).toContain(name);
  });

  it.each<[string, () => unknown, { code: string; message: string }]>([
    [
      'an invalid manifest',
      () =>
        addEnvironmentToManifest('project: app\nenvironments:\n  dev: {}\nextra: 1\n', 'qa', {
          protected: false,
        }),
      {
        code: 'E_MANIFEST',
        message:
          'latch.yaml:4: unknown key "extra" at the top level: allowed keys are project, default_environment, environments, secrets',
      },
    ],
    [
      'a bad name',
      () => addEnvironmentToManifest(example, 'QA', { protected: false }),
      {
        code: 'E_USAGE',
        message: '"QA" is not a valid environment name: use a-z, 0-9, - and _ (at most 32)',
      },
    ],
  ])('refuses %s', (_label, run, expected) => {
    expect(failure(run)).toStrictEqual(expected);
  });
});

describe('removeEnvironmentFromManifest', () => {
  it.each<[string, string, string, string]>([
    [
      'from the map and from block and flow lists',
      example,
      'staging',
      example.replace('  staging:\n', '').replace('[staging, prod]', '[prod]'),
    ],
    [
      'the first of a flow map and list',
      'project: a\ndefault_environment: b\nenvironments: {a: {}, b: {}}\nsecrets: [{name: X, environments: [a, b]}]\n',
      'a',
      'project: a\ndefault_environment: b\nenvironments: {b: {}}\nsecrets: [{name: X, environments: [b]}]\n',
    ],
    [
      'a nested block, keeping the comments around it',
      'project: a\nenvironments:\n  dev: {}\n  # production\n  prod:\n    protected: true # yes\n  qa: {}\n' +
        'secrets:\n  - name: A\n    environments:\n      - prod\n      - dev # local\n',
      'prod',
      'project: a\nenvironments:\n  dev: {}\n  # production\n  qa: {}\n' +
        'secrets:\n  - name: A\n    environments:\n      - dev # local\n',
    ],
    [
      'from a manifest written as JSON',
      '{"project": "a", "environments": {"dev": {}, "ci": {}},\n "secrets": [{"name": "A", "environments": ["ci", "dev"]}]}\n',
      'ci',
      '{"project": "a", "environments": {"dev": {}},\n "secrets": [{"name": "A", "environments": ["dev"]}]}\n',
    ],
  ])('removes %s', (_label, text, name, expected) => {
    const result = removeEnvironmentFromManifest(text, name);
    expect(result).toBe(expected);
    expect(Object.keys(parseManifest(result).environments)).not.toContain(name);
  });

  it.each<[string, string, string, { code: string; message: string }]>([
    [
      'the default_environment',
      'project: a\ndefault_environment: prod\nenvironments:\n  dev: {}\n  prod: {}\n',
      'prod',
      {
        code: 'E_MANIFEST',
        message:
          'latch.yaml:2: prod is the default_environment: set default_environment to another one first',
      },
    ],
    [
      'the implied default',
      'project: a\nenvironments:\n  dev: {}\n  prod: {}\n',
      'dev',
      {
        code: 'E_MANIFEST',
        message:
          'latch.yaml:3: dev is the default environment: add default_environment: with another one first',
      },
    ],
    [
      'the last environment',
      'project: a\nenvironments:\n  qa: {}\n',
      'qa',
      {
        code: 'E_MANIFEST',
        message:
          'latch.yaml:3: qa is the only environment: a manifest needs at least one, so add another first',
      },
    ],
    [
      'the only environment of a secret',
      example,
      'prod',
      {
        code: 'E_MANIFEST',
        message:
          'latch.yaml:19: secret SENTRY_DSN is only in prod: removing prod would widen it to every environment; remove the secret or list another environment first',
      },
    ],
    [
      'an undeclared environment',
      example,
      'qa',
      {
        code: 'E_NOT_FOUND',
        message: 'environment "qa" is not declared in latch.yaml (declared: dev, staging, prod)',
      },
    ],
    [
      'an invalid manifest',
      'project: a\nenvironments:\n  dev: {}\n  prod: {}\nsecrets:\n  - name: A\n    environments: [qa]\n',
      'prod',
      {
        code: 'E_MANIFEST',
        message:
          'latch.yaml:7: secret A lists environment "qa", which is not declared: add it under environments: or remove it here',
      },
    ],
  ])('refuses to remove %s', (_label, text, name, expected) => {
    expect(failure(() => removeEnvironmentFromManifest(text, name))).toStrictEqual(expected);
  });

  it.each<[string, string, string]>([
    [
      'block',
      'project: a\nenvironments:\n  dev: {}\n  ci: {}\nsecrets:\n  - name: A\n  - name: CI_ONLY\n    environments: [ci]\n  - name: B\n    environments: [dev, ci]\n',
      'project: a\nenvironments:\n  dev: {}\nsecrets:\n  - name: A\n  - name: B\n    environments: [dev]\n',
    ],
    [
      'flow',
      'project: a\nenvironments: {dev: {}, ci: {}}\nsecrets: [{name: A}, {name: CI_ONLY, environments: [ci]}]\n',
      'project: a\nenvironments: {dev: {}}\nsecrets: [{name: A}]\n',
    ],
  ])('with dropSecretsOnlyThere, drops the secrets only in it (%s)', (_label, text, expected) => {
    expect(removeEnvironmentFromManifest(text, 'ci', { dropSecretsOnlyThere: true })).toBe(expected);
  });
});

describe('edits in sequence', () => {
  const secretsFirst = `project: a # first
secrets:
  - name: A   # inline
    environments: [dev]

environments:
  dev: {}
  prod:
    protected: true
# the end
`;
  const operation = fc.oneof(
    fc.record({
      kind: fc.constant('secret' as const),
      name: fc.constantFrom('A', 'B', 'C_1', 'true'),
      note: fc.option(fc.string(), { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant('environment' as const),
      name: fc.constantFrom('qa', 'ci', 'null', '2024'),
      protected: fc.boolean(),
    }),
  );

  it.each([
    ['the example', example],
    ['secrets before environments', secretsFirst],
    [
      'a rendered manifest',
      renderManifest({
        project: 'p',
        environments: [{ name: 'dev', protected: false }],
        defaultEnvironment: 'dev',
      }),
    ],
  ])('keep %s parseable, with every original line still there in order', (_label, original) => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 6 }), (operations) => {
        let text = original;
        for (const op of operations) {
          if (op.kind === 'secret') {
            const secret =
              op.note === undefined ? { name: op.name } : { name: op.name, description: op.note };
            try {
              text = addSecretToManifest(text, secret);
            } catch (error) {
              // A random note may look like a value; that refusal is tested above.
              if (!(error instanceof LatchError && error.code === 'E_USAGE')) throw error;
            }
          } else {
            text = addEnvironmentToManifest(text, op.name, { protected: op.protected });
          }
        }
        const manifest = parseManifest(text);
        for (const op of operations) {
          if (op.kind === 'environment') expect(Object.hasOwn(manifest.environments, op.name)).toBe(true);
        }
        const lines = text.split('\n');
        let at = 0;
        // The one line an edit may rewrite: an empty `secrets: []` becomes a block list.
        const same = (line: string, candidate: string) =>
          candidate === line || (line === 'secrets: []' && candidate === 'secrets:');
        for (const line of original.split('\n')) {
          const found = lines.slice(at).findIndex((candidate) => same(line, candidate));
          at = found === -1 ? -1 : at + found;
          expect(at).toBeGreaterThanOrEqual(0);
          at += 1;
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('renderManifest', () => {
  it('writes a commented, value-free manifest', () => {
    expect(
      renderManifest({
        project: 'myapp',
        environments: [
          { name: 'dev', protected: false },
          { name: 'staging', protected: false },
          { name: 'prod', protected: true },
        ],
        defaultEnvironment: 'dev',
      }),
    ).toMatchInlineSnapshot(`
      "# latch.yaml: the secrets this project needs, by name only. Commit this file.
      # It never holds values: they live in your encrypted vault (\`latch set NAME\`),
      # and \`latch run -- COMMAND\` hands them to COMMAND when it starts.
      project: myapp
      default_environment: dev
      environments:
        dev: {}
        staging: {}
        prod: { protected: true } # confirmation on a terminal before any use
      # Declare each secret by name, for example:
      #   - name: OPENAI_API_KEY
      #     required: true
      #     description: used by the summarizer
      #     environments: [staging, prod]
      secrets: []
      "
    `);
  });

  it.each([
    { project: 'myapp', environments: [{ name: 'dev', protected: false }], defaultEnvironment: 'dev' },
    {
      project: 'true',
      environments: [
        { name: 'null', protected: true },
        { name: '2024', protected: false },
      ],
      defaultEnvironment: '2024',
    },
    { project: 'a.b-c_d', environments: [{ name: 'ci', protected: false }], defaultEnvironment: 'ci' },
  ])('round-trips through parseManifest: $project', (options) => {
    const text = renderManifest(options);
    expect(parseManifest(text)).toStrictEqual({
      project: options.project,
      defaultEnvironment: options.defaultEnvironment,
      environments: Object.fromEntries(
        options.environments.map((env) => [env.name, { protected: env.protected }]),
      ),
      secrets: [],
    });
    const added = addSecretToManifest(text, { name: 'API_KEY' });
    expect(parseManifest(added).secrets).toStrictEqual([{ name: 'API_KEY', required: true }]);
    expect(added).toContain('#     environments: [staging, prod]\nsecrets:\n  - name: API_KEY\n');
  });

  it.each<[string, Parameters<typeof renderManifest>[0], string]>([
    [
      'a bad project name',
      { project: '-x', environments: [{ name: 'dev', protected: false }], defaultEnvironment: 'dev' },
      '"-x" is not a valid project name: use letters, digits, ., - and _ (at most 64)',
    ],
    [
      'no environment',
      { project: 'x', environments: [], defaultEnvironment: 'dev' },
      'declare at least one environment, like --envs dev',
    ],
    [
      'a repeated environment',
      {
        project: 'x',
        environments: [
          { name: 'dev', protected: false },
          { name: 'dev', protected: true },
        ],
        defaultEnvironment: 'dev',
      },
      'environment dev is listed twice: list it once',
    ],
    [
      'a default that is not declared',
      { project: 'x', environments: [{ name: 'dev', protected: false }], defaultEnvironment: 'prod' },
      'the default environment "prod" is not one of dev: pick one of them',
    ],
  ])('refuses %s', (_label, options, message) => {
    expect(failure(() => renderManifest(options))).toStrictEqual({ code: 'E_USAGE', message });
  });
});

describe('renderEnvExample', () => {
  it.each<[string, Manifest, string]>([
    [
      'the example manifest',
      exampleManifest,
      [
        '# Generated by `latch example` from latch.yaml (project myapp). It holds no values:',
        '# store them with `latch set NAME` and start your program with `latch run -- COMMAND`.',
        '',
        '# used by the summarizer',
        '# required',
        'OPENAI_API_KEY=',
        '',
        '# optional, only in: staging, prod',
        'AWS_SECRET_ACCESS_KEY=',
        '',
        '# required, only in: prod',
        'SENTRY_DSN=',
        '',
      ].join('\n'),
    ],
    [
      'a multi-line description and no other secret',
      {
        project: 'p',
        defaultEnvironment: 'dev',
        environments: { dev: { protected: false } },
        secrets: [{ name: 'DB_URL', required: false, description: 'the primary database\n(read-write)\n' }],
      },
      [
        '# Generated by `latch example` from latch.yaml (project p). It holds no values:',
        '# store them with `latch set NAME` and start your program with `latch run -- COMMAND`.',
        '',
        '# the primary database',
        '# (read-write)',
        '# optional',
        'DB_URL=',
        '',
      ].join('\n'),
    ],
    [
      'no secrets',
      { project: 'p', defaultEnvironment: 'dev', environments: { dev: { protected: false } }, secrets: [] },
      [
        '# Generated by `latch example` from latch.yaml (project p). It holds no values:',
        '# store them with `latch set NAME` and start your program with `latch run -- COMMAND`.',
        '',
      ].join('\n'),
    ],
  ])('renders %s', (_label, manifest, expected) => {
    expect(renderEnvExample(manifest)).toBe(expected);
  });
});
