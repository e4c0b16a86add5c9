/**
 * Rules for key material and credentials in standard containers: private key blocks (PEM,
 * OpenSSH, OpenPGP, PuTTY), JSON Web Tokens, and URLs with a password in their user part.
 */
import { isJwtHeader } from './checks.js';
import { type CredentialRule, isPlaceholder, patternRule, tokenCharacter } from './model.js';

// Base64 lines, with real or escaped (`\n` in JSON, YAML and code strings) line breaks.
const armouredBody = `(?:[A-Za-z0-9+/=]|\\r?\\n|\\\\r|\\\\n|[ \\t"'+,])`;

function privateKeyBlock(
  id: string,
  provider: string,
  description: string,
  label: string,
  minBody = 64,
): CredentialRule {
  return patternRule(
    { id, provider, description },
    [`-----begin ${label.toLowerCase()}-----`],
    `(-----BEGIN ${label}-----(?:${armouredBody}|(?:Proc-Type|DEK-Info|Comment|Version):[^\\n]*){${minBody},}?-----END ${label}-----)`,
    { allowPlaceholder: true, check: (block) => (block.match(/[A-Za-z0-9+/]/g)?.length ?? 0) >= minBody },
  );
}

/** Private key blocks. */
export const privateKeyRules: readonly CredentialRule[] = [
  privateKeyBlock('pem-rsa-private-key', 'PEM', 'RSA private key (PKCS #1)', 'RSA PRIVATE KEY'),
  privateKeyBlock('pem-ec-private-key', 'PEM', 'EC private key (SEC 1)', 'EC PRIVATE KEY'),
  privateKeyBlock('pem-dsa-private-key', 'PEM', 'DSA private key', 'DSA PRIVATE KEY'),
  privateKeyBlock('pem-private-key', 'PEM', 'Private key (PKCS #8)', 'PRIVATE KEY', 40),
  privateKeyBlock(
    'pem-encrypted-private-key',
    'PEM',
    'Encrypted private key (PKCS #8)',
    'ENCRYPTED PRIVATE KEY',
  ),
  privateKeyBlock('openssh-private-key', 'OpenSSH', 'OpenSSH private key', 'OPENSSH PRIVATE KEY'),
  privateKeyBlock('pgp-private-key-block', 'OpenPGP', 'PGP private key block', 'PGP PRIVATE KEY BLOCK'),
  patternRule(
    { id: 'putty-private-key', provider: 'PuTTY', description: 'PuTTY private key file' },
    ['putty-user-key-file-'],
    `(PuTTY-User-Key-File-[23]: [^\\r\\n]+\\r?\\n(?:[^\\r\\n]*\\r?\\n){2,40}?Private-Lines: \\d+\\r?\\n(?:[A-Za-z0-9+/=]+\\r?\\n)+)`,
    { allowPlaceholder: true },
  ),
];

/** JSON Web Tokens (RFC 7519): a header with `alg`, a payload, and a signature. */
export const tokenRules: readonly CredentialRule[] = [
  patternRule(
    { id: 'jwt', provider: 'JWT', description: 'JSON Web Token' },
    ['eyj'],
    `(?<![${tokenCharacter}.-])(eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{16,})(?![${tokenCharacter}.-])`,
    { minEntropy: 4, check: isJwtHeader },
  ),
];

// Stand-ins seen in docs and compose files for a password in a URL: not a leak.
const placeholderPasswords = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'changeme',
  'user',
  'username',
  'admin',
  'root',
  'postgres',
  'mysql',
  'redis',
  'guest',
  'test',
  'example',
  'xxx',
]);

function isRealPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return (
    password.length >= 4 &&
    !placeholderPasswords.has(lower) &&
    !isPlaceholder(password) &&
    !/^[*x.%_]+$|^\$|^%\(|^\{\{|^<|^:|\{\{|\$\{|\$\(/i.test(password)
  );
}

function connectionUrl(
  id: string,
  provider: string,
  description: string,
  schemes: readonly string[],
): CredentialRule {
  const scheme = schemes.map((name) => name.replace(/[+.]/g, '\\$&')).join('|');
  return patternRule(
    { id, provider, description },
    schemes.map((name) => `${name}://`),
    `(?<![A-Za-z0-9+.-])(?:${scheme})://[^\\s:/@"'\`<>]{1,128}:([^\\s/@"'\`<>]{1,256})@[A-Za-z0-9._-]`,
    { allowPlaceholder: true, check: isRealPassword },
  );
}

/** Connection strings with a password. */
export const connectionStringRules: readonly CredentialRule[] = [
  connectionUrl('postgres-url-password', 'PostgreSQL', 'PostgreSQL connection URL with a password', [
    'postgres',
    'postgresql',
    'postgis',
  ]),
  connectionUrl('mysql-url-password', 'MySQL', 'MySQL connection URL with a password', [
    'mysql',
    'mysqlx',
    'mysql2',
  ]),
  connectionUrl('mariadb-url-password', 'MariaDB', 'MariaDB connection URL with a password', ['mariadb']),
  connectionUrl('mongodb-url-password', 'MongoDB', 'MongoDB connection URL with a password', [
    'mongodb',
    'mongodb+srv',
  ]),
  connectionUrl('redis-url-password', 'Redis', 'Redis connection URL with a password', ['redis', 'rediss']),
  connectionUrl('amqp-url-password', 'RabbitMQ', 'AMQP (RabbitMQ) URL with a password', ['amqp', 'amqps']),
  connectionUrl('mssql-url-password', 'SQL Server', 'SQL Server connection URL with a password', [
    'mssql',
    'sqlserver',
  ]),
  connectionUrl('clickhouse-url-password', 'ClickHouse', 'ClickHouse connection URL with a password', [
    'clickhouse',
  ]),
  connectionUrl('cockroachdb-url-password', 'CockroachDB', 'CockroachDB connection URL with a password', [
    'cockroachdb',
  ]),
  connectionUrl('couchbase-url-password', 'Couchbase', 'Couchbase connection URL with a password', [
    'couchbase',
    'couchbases',
  ]),
  connectionUrl('neo4j-url-password', 'Neo4j', 'Neo4j connection URL with a password', [
    'neo4j',
    'neo4j+s',
    'bolt',
  ]),
  connectionUrl('cassandra-url-password', 'Cassandra', 'Cassandra connection URL with a password', [
    'cassandra',
  ]),
  connectionUrl('nats-url-password', 'NATS', 'NATS URL with a password', ['nats', 'tls']),
  connectionUrl('mqtt-url-password', 'MQTT', 'MQTT broker URL with a password', ['mqtt', 'mqtts']),
  connectionUrl('ldap-url-password', 'LDAP', 'LDAP URL with a password', ['ldap', 'ldaps']),
  connectionUrl('smtp-url-password', 'SMTP', 'SMTP URL with a password', ['smtp', 'smtps']),
  connectionUrl('ftp-url-password', 'FTP', 'FTP or SFTP URL with a password', ['ftp', 'ftps', 'sftp']),
  patternRule(
    { id: 'jdbc-password', provider: 'JDBC', description: 'JDBC URL with a password parameter' },
    ['jdbc:'],
    `jdbc:[a-z0-9]+:[^\\s"'\`]*?[;?&][Pp]assword=([^;&\\s"'\`]{4,})`,
    { allowPlaceholder: true, check: isRealPassword },
  ),
  patternRule(
    { id: 'ado-net-password', provider: 'ADO.NET', description: 'ADO.NET connection string with a password' },
    ['password=', 'pwd='],
    `(?:Server|Data Source|Host)=[^;"'\`\\n]+;[^"'\`\\n]*?(?:Password|Pwd)=([^;"'\`\\s]{4,})`,
    { allowPlaceholder: true, check: isRealPassword },
  ),
];
