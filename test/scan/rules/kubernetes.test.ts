import { describe, expect, it } from 'vitest';
import { findCredentials } from '../../../src/scan/rules/rules.js';
import { checksummedToken, createRandom } from '../fixtures.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const random = createRandom(77);

function found(text: string): [string, string][] {
  return findCredentials(text, 'deploy/secrets.yaml').map((finding) => [
    finding.ruleId,
    text.slice(finding.start, finding.end),
  ]);
}

describe('Kubernetes Secret manifests', () => {
  it('decodes data values and reports the base64 span of a password or a known format', () => {
    const password = `${random.base62(12)}!${random.base62(6)}`;
    const token = checksummedToken(random, 'ghp_');
    const text = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app',
      'data:',
      `  username: ${b64('app')}`,
      `  "password": "${b64(password)}"`,
      `  port: ${b64('5432')}`,
      `  gh: ${b64(token)}   # the deploy token`,
      '',
    ].join('\n');
    expect(found(text)).toEqual([
      ['kubernetes-secret-data', b64(password)],
      ['kubernetes-secret-data', b64(token)],
    ]);
  });

  it('reads stringData as plain text whatever the key, and each document of a stream', () => {
    const signing = random.base62(32);
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      `  blob: ${b64(random.base62(20))}`,
      '---',
      'kind: Secret',
      'stringData:',
      `  SIGNING: ${signing}`,
      '  mode: production',
      `  ref: ${'$'}{SIGNING_KEY}`,
      '',
    ].join('\n');
    expect(found(text)).toEqual([['kubernetes-secret-string-data', signing]]);
  });

  it('reads JSON manifests as kubectl -o json prints them', () => {
    const password = `${random.base62(12)}!${random.base62(6)}`;
    const signing = random.base62(32);
    const manifest = {
      apiVersion: 'v1',
      items: [
        { kind: 'Secret', metadata: { name: 'db' }, data: { user: b64('app'), password: b64(password) } },
        { kind: 'Secret', stringData: { SIGNING: signing, mode: 'production' } },
      ],
      kind: 'List',
    };
    expect(found(JSON.stringify(manifest, null, 2))).toEqual([
      ['kubernetes-secret-data', b64(password)],
      ['kubernetes-secret-string-data', signing],
    ]);
    expect(found(JSON.stringify({ kind: 'ConfigMap', data: { blob: b64(password) } }))).toEqual([]);
  });

  it('leaves placeholders alone: base64 of changeme, references, empty values', () => {
    const text = `kind: Secret\ndata:\n  password: ${b64('changeme')}\n  token: ${b64(`${'$'}{TOKEN}`)}\n  empty: ""\n`;
    expect(found(text)).toEqual([]);
  });
});
