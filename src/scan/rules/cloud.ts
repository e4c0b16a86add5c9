/**
 * Rules for cloud providers and hosting platforms: keys that can spend money or read data.
 * Formats from each provider's documentation (key prefixes, lengths and alphabets).
 */
import {
  assignedRule,
  type CredentialRule,
  caseless,
  namedRule,
  patternRule,
  tokenCharacter,
  tokenRule,
} from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const hex = 'a-fA-F0-9';

/** Cloud providers. */
export const cloudRules: readonly CredentialRule[] = [
  patternRule(
    { id: 'aws-access-key-id', provider: 'AWS', description: 'AWS access key ID' },
    ['akia', 'asia', 'abia', 'acca'],
    `(?<![${tokenCharacter}])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![${tokenCharacter}])`,
    { minEntropy: 3 },
  ),
  // Static access keys for Yandex Object Storage (its S3 API): the secret starts with `YC`.
  // Before AWS: under an S3-style name (`..._SECRET_ACCESS_KEY`) the value is still Yandex's.
  namedRule(
    'yandex-cloud-static-key-secret',
    'Yandex Cloud',
    'Yandex Cloud static access key secret',
    ['yandex'],
    `YC[${urlSafe}]{38}`,
    { minEntropy: 4 },
  ),
  assignedRule(
    { id: 'aws-secret-access-key', provider: 'AWS', description: 'AWS secret access key' },
    ['aws', 'secret_access_key', 'secretaccesskey'],
    `${caseless('aws')}[\\w.-]{0,20}?${caseless('secret')}|${caseless('secret_access_key')}|${caseless('secretaccesskey')}`,
    '[A-Za-z0-9/+]{40}',
    { minEntropy: 4 },
  ),
  namedRule(
    'aws-session-token',
    'AWS',
    'AWS session token',
    ['aws_session_token', 'awssessiontoken'],
    '[A-Za-z0-9/+=]{100,}',
    {
      minEntropy: 4.5,
    },
  ),
  patternRule(
    {
      id: 'gcp-service-account-key',
      provider: 'Google Cloud',
      description: 'Google Cloud service account private key',
    },
    ['private_key_id'],
    `"private_key_id"\\s*:\\s*"[a-f0-9]{40}"\\s*,\\s*"private_key"\\s*:\\s*"(-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\\\\\s]{100,}?-----END PRIVATE KEY-----(?:\\\\n)?)"`,
    { allowPlaceholder: true },
  ),
  tokenRule('google-api-key', 'Google Cloud', 'Google API key', 'AIza', `[${urlSafe}]{35}`, {
    minEntropy: 3.5,
  }),
  tokenRule(
    'google-oauth-client-secret',
    'Google Cloud',
    'Google OAuth client secret',
    'GOCSPX-',
    `[${urlSafe}]{28}`,
  ),
  tokenRule(
    'google-oauth-access-token',
    'Google Cloud',
    'Google OAuth access token',
    'ya29.',
    `[${urlSafe}]{30,}`,
    {
      minEntropy: 3.5,
    },
  ),
  tokenRule(
    'google-oauth-refresh-token',
    'Google Cloud',
    'Google OAuth refresh token',
    '1//0',
    `[${urlSafe}]{40,}`,
    {
      minEntropy: 3.5,
      keywords: ['1//0'],
    },
  ),
  patternRule(
    {
      id: 'firebase-cloud-messaging-key',
      provider: 'Firebase',
      description: 'Firebase Cloud Messaging server key',
    },
    [':apa91b'],
    `(?<![${tokenCharacter}])(AAAA[${urlSafe}]{7}:APA91b[${urlSafe}]{134})(?![${tokenCharacter}])`,
    { minEntropy: 4 },
  ),
  patternRule(
    {
      id: 'azure-storage-connection-string',
      provider: 'Azure',
      description: 'Azure storage account key in a connection string',
    },
    ['accountkey='],
    `[Aa]ccount[Kk]ey=([A-Za-z0-9+/]{86}==)`,
    { minEntropy: 4 },
  ),
  patternRule(
    { id: 'azure-sas-token', provider: 'Azure', description: 'Azure shared access signature' },
    ['sig='],
    `[?&;]sv=\\d{4}-\\d\\d-\\d\\d[^\\s"'<>]*?[?&;]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})`,
    { minEntropy: 4 },
  ),
  patternRule(
    {
      id: 'azure-service-bus-key',
      provider: 'Azure',
      description: 'Azure Service Bus, Event Hubs or IoT shared access key',
    },
    ['sharedaccesskey='],
    `SharedAccessKey=([A-Za-z0-9+/]{43}=)`,
    { minEntropy: 4 },
  ),
  patternRule(
    {
      id: 'azure-ad-client-secret',
      provider: 'Azure',
      description: 'Microsoft Entra ID (Azure AD) client secret',
    },
    ['q~'],
    `(?<![${tokenCharacter}~.-])([a-zA-Z0-9_~.-]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34})(?![${tokenCharacter}~.-])`,
    { minEntropy: 4 },
  ),
  namedRule(
    'azure-openai-key',
    'Azure OpenAI',
    'Azure OpenAI API key',
    ['azure_openai', 'azureopenai', 'azure-openai'],
    `[${hex}]{32}`,
  ),
  tokenRule(
    'digitalocean-personal-token',
    'DigitalOcean',
    'DigitalOcean personal access token',
    'dop_v1_',
    '[a-f0-9]{64}',
  ),
  tokenRule(
    'digitalocean-oauth-token',
    'DigitalOcean',
    'DigitalOcean OAuth token',
    'doo_v1_',
    '[a-f0-9]{64}',
  ),
  tokenRule(
    'digitalocean-refresh-token',
    'DigitalOcean',
    'DigitalOcean refresh token',
    'dor_v1_',
    '[a-f0-9]{64}',
  ),
  tokenRule('heroku-api-key', 'Heroku', 'Heroku platform API key', 'HRKU-', `AA[${urlSafe}]{58}`),
  namedRule(
    'heroku-legacy-api-key',
    'Heroku',
    'Heroku API key (legacy UUID form)',
    ['heroku'],
    `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`,
  ),
  namedRule(
    'cloudflare-api-token',
    'Cloudflare',
    'Cloudflare API token',
    ['cloudflare', 'cf_api_token'],
    `[${urlSafe}]{40}`,
    {
      minEntropy: 3.8,
    },
  ),
  namedRule(
    'cloudflare-global-api-key',
    'Cloudflare',
    'Cloudflare global API key',
    ['cloudflare', 'cf_api_key'],
    '[a-f0-9]{37}',
  ),
  tokenRule(
    'cloudflare-origin-ca-key',
    'Cloudflare',
    'Cloudflare Origin CA key',
    'v1.0-',
    '[a-f0-9]{24}-[a-f0-9]{146}',
    {
      minEntropy: 3,
    },
  ),
  tokenRule(
    'alibaba-access-key-id',
    'Alibaba Cloud',
    'Alibaba Cloud AccessKey ID',
    'LTAI',
    `[${base62}]{12,20}`,
    {
      minEntropy: 3.3,
    },
  ),
  namedRule(
    'alibaba-access-key-secret',
    'Alibaba Cloud',
    'Alibaba Cloud AccessKey secret',
    ['alibaba', 'aliyun', 'alicloud'],
    `[${base62}]{30}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule(
    'ibm-cloud-api-key',
    'IBM Cloud',
    'IBM Cloud API key',
    ['ibm_cloud', 'ibmcloud', 'ibm-cloud', 'ibm_api'],
    `[${urlSafe}]{44}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule(
    'oracle-cloud-auth-token',
    'Oracle Cloud',
    'Oracle Cloud (OCI) auth token',
    ['oci_auth', 'oracle_auth', 'oci_token', 'oracle_cloud'],
    '[A-Za-z0-9+(){}<>:;.\\[\\]-]{20}',
    {
      minEntropy: 3.8,
    },
  ),
  tokenRule('tencent-cloud-secret-id', 'Tencent Cloud', 'Tencent Cloud SecretId', 'AKID', `[${base62}]{32}`, {
    minEntropy: 3.8,
  }),
  namedRule(
    'huawei-cloud-secret-key',
    'Huawei Cloud',
    'Huawei Cloud secret access key',
    ['huawei', 'huaweicloud'],
    `[${base62}]{40}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule('scaleway-access-key', 'Scaleway', 'Scaleway access key', 'SCW', '[A-Z0-9]{17}', {
    minEntropy: 3.3,
  }),
  namedRule(
    'scaleway-secret-key',
    'Scaleway',
    'Scaleway secret key',
    ['scaleway', 'scw_secret'],
    `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`,
  ),
  namedRule('linode-token', 'Linode', 'Linode (Akamai) personal access token', ['linode'], '[a-f0-9]{64}'),
  namedRule('vultr-api-key', 'Vultr', 'Vultr API key', ['vultr'], '[A-Z0-9]{36}', { minEntropy: 3.8 }),
  namedRule(
    'hetzner-cloud-token',
    'Hetzner',
    'Hetzner Cloud API token',
    ['hetzner', 'hcloud'],
    `[${base62}]{64}`,
    { minEntropy: 4.5 },
  ),
  namedRule('ovh-application-secret', 'OVHcloud', 'OVHcloud application secret', ['ovh'], '[a-zA-Z0-9]{32}', {
    minEntropy: 4,
  }),
  tokenRule(
    'backblaze-application-key',
    'Backblaze',
    'Backblaze B2 application key',
    'K00',
    `[${base62}/+]{28}`,
    {
      minEntropy: 4,
      keywords: ['k00'],
    },
  ),
  namedRule('wasabi-secret-key', 'Wasabi', 'Wasabi secret key', ['wasabi'], '[A-Za-z0-9/+]{40}', {
    minEntropy: 4,
  }),
  patternRule(
    { id: 'cloudinary-url', provider: 'Cloudinary', description: 'Cloudinary API secret in a URL' },
    ['cloudinary://'],
    'cloudinary://\\d{10,16}:([A-Za-z0-9_-]{27})@',
    { minEntropy: 3.5 },
  ),
  tokenRule(
    'databricks-token',
    'Databricks',
    'Databricks personal access token',
    'dapi',
    '[a-f0-9]{32}(?:-\\d)?',
    {
      minEntropy: 3,
    },
  ),
  namedRule(
    'snowflake-password',
    'Snowflake',
    'Snowflake password',
    ['snowflake_password', 'snowsql_pwd'],
    `[^\\s"'\`]{8,}`,
    {
      minEntropy: 3,
    },
  ),
  namedRule(
    'confluent-api-secret',
    'Confluent',
    'Confluent Cloud API secret',
    ['confluent'],
    `[A-Za-z0-9+/]{64}`,
    { minEntropy: 4.5 },
  ),
  namedRule('confluent-api-key', 'Confluent', 'Confluent Cloud API key', ['confluent'], '[A-Z0-9]{16}', {
    minEntropy: 3,
  }),
  namedRule(
    'elastic-cloud-api-key',
    'Elastic',
    'Elastic Cloud API key',
    ['elastic_api_key', 'elasticsearch_api_key', 'elastic_cloud'],
    `[A-Za-z0-9_-]{20,}={0,2}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule('yandex-cloud-api-key', 'Yandex Cloud', 'Yandex Cloud API key', 'AQVN', `[${urlSafe}]{35,38}`, {
    minEntropy: 3.8,
  }),
  tokenRule(
    'yandex-cloud-iam-token',
    'Yandex Cloud',
    'Yandex Cloud IAM token',
    't1.',
    `[A-Z0-9a-z_-]+[=]{0,2}\\.[A-Z0-9a-z_-]{86}[=]{0,2}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule(
    'mongodb-atlas-private-key',
    'MongoDB Atlas',
    'MongoDB Atlas API private key',
    ['atlas_private_key', 'mongodb_atlas', 'atlas_api'],
    `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`,
  ),
  // Defined Networking (managed Nebula overlay networks): `dnkey-` and two random parts.
  tokenRule(
    'defined-networking-api-token',
    'Defined Networking',
    'Defined Networking API token',
    'dnkey-',
    `[${urlSafe}=]{26}-[${urlSafe}=]{52}`,
    { minEntropy: 4 },
  ),
  // Tailscale keys name their kind, then a key id (ending `CNTRL` today) and the secret.
  tokenRule(
    'tailscale-key',
    'Tailscale',
    'Tailscale API, auth or OAuth client key',
    'tskey-',
    `(?:api|auth|client|scim|webhook)-[${base62}]{6,24}-[${base62}]{16,64}`,
    { minEntropy: 3.5 },
  ),
];
