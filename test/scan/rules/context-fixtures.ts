/**
 * Fixtures of the context rules (src/scan/rules/context.ts) and the Kubernetes Secret rules,
 * in the shape of formats.test.ts's table, which merges them: each makes a text holding one
 * secret (obviously fake, random) and near-misses that must not be reported by that rule.
 */
import type { Random } from '../fixtures.js';

export interface ContextFixture {
  make: (r: Random) => { secret: string; text: string };
  negatives: (r: Random) => string[];
}

const password = (r: Random) => `${r.base62(10)}-${r.base62(8)}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const secretManifest = (block: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\n${block}\n`;

export const contextFixtures: Record<string, ContextFixture> = {
  'curl-user-password': {
    make: (r) => {
      const secret = password(r);
      return { secret, text: `curl -sS -u deploy:${secret} https://api.internal/jobs\n` };
    },
    negatives: () => [
      'curl -u deploy: https://api.internal/jobs',
      'curl -u "$CI_USER:$CI_PASSWORD" https://api.internal/jobs',
      'curl -u admin:secret https://api.internal/jobs',
      'curl --user <user>:<password> https://api.internal/jobs',
    ],
  },
  'wget-password': {
    make: (r) => {
      const secret = password(r);
      return { secret, text: `wget --user=ci --password ${secret} https://files.internal/a.tgz\n` };
    },
    negatives: () => [
      'wget --password="$FTP_PASSWORD" ftp://files.internal/',
      'wget --ask-password https://files.internal/a.tgz',
      "wget's --password option sets the password",
    ],
  },
  'http-basic-auth': {
    make: (r) => {
      const secret = b64(`svc:${password(r)}`);
      return { secret, text: `Authorization: Basic ${secret}\n` };
    },
    negatives: () => [
      `Authorization: Basic ${b64('user:password')}`,
      `Authorization: Basic ${b64('admin:changeme')}`,
      'Authorization: Basic $BASIC_AUTH',
    ],
  },
  'url-password': {
    make: (r) => {
      const secret = password(r);
      return { secret, text: `remote = "https://deploy:${secret}@git.internal.net/team/repo.git"\n` };
    },
    negatives: () => [
      'https://deploy@git.internal.net/team/repo.git',
      'http://localhost:8080/api@v2',
      `https://deploy:${'$'}{GIT_TOKEN}@git.internal.net/repo.git`,
      'redis://:********@cache.internal:6379',
      'https://user:password@example.com/',
    ],
  },
  'odbc-password': {
    make: (r) => {
      const secret = password(r);
      return { secret, text: `conn = pyodbc.connect("DSN=prod;UID=report;PWD=${secret}")\n` };
    },
    negatives: () => ['DSN=prod;UID=report;PWD=%(db_password)s', 'Driver={x};Uid=app;Pwd={{ .Values.pwd }};'],
  },
  'xml-secret-element': {
    make: (r) => {
      const secret = password(r);
      // `<password>` in a Maven settings.xml is maven-settings-password's, which wins the tie.
      return {
        secret,
        text: `<client>\n  <id>nexus</id>\n  <clientSecret>${secret}</clientSecret>\n</client>\n`,
      };
    },
    negatives: () => [
      '<password></password>',
      `<password>${'$'}{env.NEXUS_PASSWORD}</password>`,
      '<apiKey>your_api_key_here</apiKey>',
    ],
  },
  'xml-secret-attribute': {
    make: (r) => {
      const secret = r.base62(32);
      return {
        secret,
        text: `<appSettings>\n  <add key="Payments.ApiKey" value="${secret}" />\n</appSettings>\n`,
      };
    },
    negatives: () => [
      '<add key="ApiKey" value="your_api_key_here" />',
      '<add key="PublicKeyPath" value="keys/public.pem" />',
      `<property name="password" value="${'$'}{db.password}"/>`,
    ],
  },
  'kubernetes-secret-data': {
    make: (r) => {
      const secret = b64(password(r));
      return { secret, text: secretManifest(`data:\n  username: ${b64('app')}\n  password: ${secret}`) };
    },
    negatives: () => [
      secretManifest(`data:\n  password: ${b64('changeme')}`),
      `apiVersion: v1\nkind: ConfigMap\ndata:\n  password: ${b64('Zq8r-2LmX0vB7nC4kW')}\n`,
    ],
  },
  'kubernetes-secret-string-data': {
    make: (r) => {
      const secret = r.base62(32);
      return { secret, text: secretManifest(`stringData:\n  SIGNING: "${secret}"`) };
    },
    negatives: () => [
      secretManifest(`stringData:\n  SIGNING: "${'$'}{SIGNING_KEY}"`),
      secretManifest('stringData:\n  mode: production'),
    ],
  },
};
