import { describe, expect, it } from 'vitest';
import { findCredentials } from '../../../src/scan/rules/rules.js';
import { checksummedToken, createRandom, makeJwt, type Random } from '../fixtures.js';

/**
 * Our own labelled set, built from providers' and tools' documented formats (curl, wget, HTTP,
 * ODBC, JDBC, the URL schemes, XML, YAML, JSON, properties, INI, Kubernetes Secrets): true
 * samples with obviously fake random values, and near-misses (references, placeholders,
 * documented example keys, low-entropy values) that must not be reported. Every value is
 * generated at test time, so no credential-shaped literal sits in this file.
 */
type Sample = (r: Random) => string;

const password = (r: Random) => `${r.base62(10)}-${r.base62(8)}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
// Documented examples, cut in two so that no scanner reads them here as the whole literal.
const documented = {
  awsKeyId: ['AKIAIOSFOD', 'NN7EXAMPLE'].join(''),
  awsSecret: ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join(''),
  stripe: ['sk_test_4eC39Hq', 'LyjWDarjtT1zdp7dc'].join(''),
  jwt: [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ].join('.'),
  slack: ['xoxb-17653672481-', '19874698323-pdFZKVeTuE8sk7oOcBrzbqgy'].join(''),
};

/** Texts that hold one real-looking credential each. */
const trueSamples: Record<string, Sample> = {
  'curl -u': (r) => `curl -u deploy:${password(r)} https://api.internal/v1/jobs`,
  'curl --user quoted': (r) => `curl --user "ci-bot:${password(r)}" -X POST https://ci.internal/hook`,
  'curl -H bearer': (r) => `curl -H 'Authorization: Bearer ${r.urlSafe(40)}' https://api.internal/`,
  'curl -H basic': (r) => `curl -H "Authorization: Basic ${b64(`svc:${password(r)}`)}" https://api.internal/`,
  'curl -H token': (r) => `curl --header "Authorization: Token ${r.hex(40)}" https://api.internal/`,
  'wget --password': (r) => `wget --user=deploy --password=${password(r)} https://files.internal/a.tgz`,
  'wget --password space': (r) => `wget --user deploy --password ${password(r)} https://files.internal/a.tgz`,
  'wget --http-password': (r) =>
    `wget --http-user=u --http-password='${password(r)}' https://files.internal/`,
  'wget --header': (r) => `wget --header="Authorization: Bearer ${r.urlSafe(40)}" https://files.internal/`,
  'http header in a log': (r) => `> GET /v1/me HTTP/1.1\n> Authorization: Bearer ${r.urlSafe(48)}\n`,
  'http basic in a .http file': (r) =>
    `GET https://api.internal/me\nAuthorization: Basic ${b64(`admin:${password(r)}`)}\n`,
  'headers object': (r) => `fetch(url, { headers: { Authorization: "Bearer ${r.base62(40)}" } });`,
  odbc: (r) => `Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=app;Pwd=${password(r)};`,
  'odbc dsn': (r) => `conn = pyodbc.connect("DSN=prod;UID=report;PWD=${password(r)}")`,
  'ado.net': (r) => `"Server=tcp:db.internal,1433;Database=app;User ID=app;Password=${password(r)};"`,
  jdbc: (r) => `spring.datasource.url=jdbc:postgresql://db:5432/app?user=app&password=${password(r)}`,
  mongodb: (r) => `MONGO_URL=mongodb://app:${password(r)}@mongo-0.internal:27017/app`,
  'mongodb+srv': (r) => `uri = "mongodb+srv://app:${password(r)}@cluster0.ab1cd.mongodb.net/app"`,
  'redis no user': (r) => `REDIS_URL=redis://:${password(r)}@cache.internal:6379/0`,
  amqp: (r) => `broker_url = "amqp://worker:${password(r)}@mq.internal:5672/vhost"`,
  amqps: (r) => `AMQP_URL=amqps://worker:${password(r)}@mq.internal/vhost`,
  postgres: (r) => `DATABASE_URL=postgres://app:${password(r)}@db.internal:5432/app`,
  'postgresql+driver': (r) => `engine = create_engine("postgresql+psycopg2://app:${password(r)}@db/app")`,
  mysql: (r) => `DSN=mysql://root2:${password(r)}@127.0.0.1:3306/app`,
  'https basic-auth url': (r) => `git clone https://deploy:${password(r)}@git.internal.net/team/repo.git`,
  'xml element': (r) => `<datasource>\n  <password>${password(r)}</password>\n</datasource>`,
  'xml appSettings': (r) => `<add key="PaymentsApiKey" value="${r.base62(32)}" />`,
  'spring property': (r) => `<property name="password" value="${password(r)}"/>`,
  'java properties xml': (r) => `<entry key="db.password">${password(r)}</entry>`,
  'json password': (r) => `{ "db": { "password": "${password(r)}" } }`,
  'yaml passwd': (r) => `mysql:\n  passwd: ${password(r)}\n`,
  'properties pwd': (r) => `ldap.pwd=${password(r)}`,
  'ini secret': (r) => `[oauth]\nsecret = ${r.base62(32)}\n`,
  'toml api_key': (r) => `api_key = "${r.base62(32)}"`,
  'env apikey': (r) => `APIKEY=${r.hex(32)}`,
  'yaml access_token': (r) => `access_token: ${r.urlSafe(40)}`,
  'json client_secret': (r) => `{"client_secret":"${r.urlSafe(40)}"}`,
  'yaml token': (r) => `token: "${r.base62(36)}"`,
  'k8s data password': (r) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: ${b64('app')}\n  password: ${b64(password(r))}\n`,
  'k8s data known format': (r) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ndata:\n  GH: ${b64(checksummedToken(r, 'ghp_'))}\n`,
  'k8s stringData': (r) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  SIGNING: "${r.base62(32)}"\n`,
  'aws key id': (r) => `aws_access_key_id = AKIA${r.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
  'github pat': (r) => `GITHUB_TOKEN=${checksummedToken(r, 'ghp_')}`,
  'slack bot token': (r) => `SLACK=xoxb-${r.digits(11)}-${r.digits(12)}-${r.base62(24)}`,
  'stripe test key': (r) => `const stripe = new Stripe("sk_test_${r.base62(24)}");`,
  jwt: (r) => `const session = "${makeJwt(r)}";`,
};

/** Near-misses: none of these may be reported. */
const nearMisses: Record<string, Sample> = {
  'curl -u prompts': () => 'curl -u deploy: https://api.internal/v1/jobs',
  'curl -u variables': () => 'curl -u "$API_USER:$API_PASSWORD" https://api.internal/',
  'curl -u braces': () => `curl -u ${'$'}{USER}:${'$'}{TOKEN} https://api.internal/`,
  'curl -H variable': () => 'curl -H "Authorization: Bearer $TOKEN" https://api.internal/',
  'curl -H github secret': () =>
    `curl -H "Authorization: Bearer ${'$'}{{ secrets.GITHUB_TOKEN }}" https://api`,
  'curl -H placeholder': () => "curl -H 'Authorization: Bearer <your-token>' https://api.internal/",
  'curl basic placeholder': () => `curl -H "Authorization: Basic ${b64('user:password')}" https://x`,
  'wget variable': () => 'wget --password="$FTP_PASSWORD" ftp://files.internal/',
  'wget ask': () => 'wget --ask-password https://files.internal/a.tgz',
  'odbc reference': () => 'Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=%(db_password)s;',
  'ado.net placeholder': () => '"Server=db;Database=app;User ID=app;Password=<password>;"',
  'jdbc variable': () => `jdbc:mysql://db/app?user=app&password=${'$'}{DB_PASSWORD}`,
  'mongodb placeholder': () => 'mongodb+srv://<username>:<password>@cluster0.mongodb.net/app',
  'redis no password': () => 'REDIS_URL=redis://cache.internal:6379/0',
  'url with port': () => 'see http://localhost:8080/api and https://example.net:443/path',
  'url user only': () => 'git clone https://deploy@git.internal.net/team/repo.git',
  'url stars': () => 'postgres://app:********@db.internal/app',
  'url template': () => 'postgres://{{ .Values.db.user }}:{{ .Values.db.password }}@db/app',
  'url changeme': () => 'amqp://guest:changeme@localhost:5672/',
  'xml empty': () => '<password></password>',
  'xml reference': () => `<password>${'$'}{DB_PASSWORD}</password>`,
  'xml helm': () => '<password>{{ .Values.password }}</password>',
  'xml appSettings placeholder': () => '<add key="ApiKey" value="your_api_key_here" />',
  'xml public key name': () => '<add key="PublicKeyPath" value="keys/public.pem" />',
  'yaml helm': () => 'password: "{{ .Values.db.password }}"',
  'yaml actions': () => `token: ${'$'}{{ secrets.DEPLOY_TOKEN }}`,
  'python format': () => 'password = "%(db_password)s"',
  'env reference': () => 'API_KEY=$API_KEY_FROM_VAULT',
  'your key here': () => 'api_key = "your_api_key_here"',
  'x run': () => 'client_secret: xxxxxxxxxxxxxxxxxxxxxxxx',
  changeme: () => 'password=changeme',
  stars: () => 'password: "****************"',
  'low entropy': () => 'secret: abababababababababab',
  'low entropy hex': () => 'token = "00000000000000001111111111111111"',
  'connectionstrings.com reference': () =>
    'Server=myServer;Database=myDB;User Id=myUser;Password=myPassword;',
  'tutorial mongodb url': () => 'mongodb://username:password123@localhost:27017/test',
  'tutorial postgres url': () => 'postgres://user:secret123@localhost/db',
  'redis.conf example': () => 'REDIS_URL=redis://:foobared@localhost:6379',
  'k8s placeholder data': () =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ${b64('changeme')}\n  user: ${b64('admin')}\n`,
  'k8s reference stringData': () =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: "${'$'}{DB_PASSWORD}"\n`,
  'k8s configmap': () => `apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: ${b64('production-mode-x9')}\n`,
  'aws documented key id': () => `aws_access_key_id = ${documented.awsKeyId}`,
  'aws documented secret': () => `aws_secret_access_key = ${documented.awsSecret}`,
  'stripe documented key': () => `Stripe.api_key = "${documented.stripe}"`,
  'jwt.io example': () => `const token = "${documented.jwt}";`,
  'slack documented token': () => `SLACK_BOT_TOKEN=${documented.slack}`,
};

const seeds = [1, 2, 3];

function reported(text: string, path = 'config/settings.txt'): boolean {
  return findCredentials(text, path).length > 0;
}

describe('labelled set (ours, from documented formats)', () => {
  it.each(Object.keys(trueSamples))('finds %s', (name) => {
    for (const seed of seeds) {
      const text = trueSamples[name]!(createRandom(seed * 131 + name.length));
      expect(reported(text), text).toBe(true);
    }
  });

  it.each(Object.keys(nearMisses))('does not report %s', (name) => {
    const text = nearMisses[name]!(createRandom(7));
    expect(findCredentials(text, 'config/settings.txt'), text).toEqual([]);
  });

  it('reaches recall 0.95 with at most 0.03 false positives', () => {
    let found = 0;
    let positives = 0;
    for (const [name, sample] of Object.entries(trueSamples)) {
      for (const seed of seeds) {
        positives++;
        if (reported(sample(createRandom(seed * 131 + name.length)))) found++;
      }
    }
    const falsePositives = Object.values(nearMisses).filter((sample) =>
      reported(sample(createRandom(7))),
    ).length;
    const recall = found / positives;
    const falsePositiveRate = falsePositives / Object.keys(nearMisses).length;
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.03);
  });
});
