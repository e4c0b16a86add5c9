import { describe, expect, it } from 'vitest';
import { type CredentialFinding, findCredentials, listRules } from '../../../src/scan/rules/rules.js';
import { alphabets, armour, checksummedToken, createRandom, makeJwt, type Random } from '../fixtures.js';
import { contextFixtures } from './context-fixtures.js';

/** One rule's fixture: text holding one secret, and texts that must not be reported by that rule. */
interface Fixture {
  make: (r: Random) => { secret: string; text: string };
  /** Replaces the default negative (the secret's second half turned into `x`s). */
  negatives?: (r: Random) => string[];
}

const inCode = (secret: string) => ({ secret, text: `const value = '${secret}';\n` });
const assigned = (name: string, secret: string) => ({ secret, text: `${name}=${secret}\n` });
const token = (prefix: string, body: (r: Random) => string): Fixture => ({
  make: (r) => inCode(prefix + body(r)),
});
const named = (name: string, value: (r: Random) => string): Fixture => ({
  make: (r) => assigned(name, value(r)),
});
const hex = (length: number) => (r: Random) => r.hex(length);
const base62 = (length: number) => (r: Random) => r.base62(length);
const urlSafe = (length: number) => (r: Random) => r.urlSafe(length);
const uuid = (r: Random) => r.uuid();
const dbUrl = (scheme: string): Fixture => ({
  make: (r) => {
    const secret = r.base62(18);
    return { secret, text: `url: "${scheme}://app_user:${secret}@db.internal:5432/app"\n` };
  },
  negatives: (r) => [
    `url: "${scheme}://app_user:password@db.internal/app"`,
    `url: "${scheme}://app_user:\${DB_PASSWORD}@db.internal/app"`,
    `url: "${scheme}://db.internal:5432/${r.lower(8)}"`,
  ],
});
const pem = (label: string): Fixture => ({
  make: (r) => {
    const secret = armour(r, label);
    return { secret, text: `# key\n${secret}\n` };
  },
  negatives: () => [`-----BEGIN ${label}-----\n...\n-----END ${label}-----`, `-----BEGIN ${label}-----`],
});

const fixtures: Record<string, Fixture> = {
  // Cloud
  'aws-access-key-id': token('AKIA', (r) => r.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)),
  'aws-secret-access-key': named('aws_secret_access_key', (r) => r.base64(40)),
  'aws-session-token': named('AWS_SESSION_TOKEN', (r) => r.base64(200)),
  'gcp-service-account-key': {
    make: (r) => {
      const secret = `${armour(r, 'PRIVATE KEY', 8, '\\n')}\\n`;
      const text = `{"type": "service_account", "private_key_id": "${r.hex(40)}", "private_key": "${secret}", "client_email": "a@b.iam.gserviceaccount.com"}`;
      return { secret, text };
    },
    negatives: (r) => [
      `{"private_key_id": "${r.hex(40)}", "private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"}`,
    ],
  },
  'google-api-key': token('AIza', urlSafe(35)),
  'google-oauth-client-secret': token('GOCSPX-', urlSafe(28)),
  'google-oauth-access-token': token('ya29.', urlSafe(120)),
  'google-oauth-refresh-token': token('1//0', urlSafe(100)),
  'firebase-cloud-messaging-key': token('AAAA', (r) => `${r.urlSafe(7)}:APA91b${r.urlSafe(134)}`),
  'azure-storage-connection-string': {
    make: (r) => {
      const secret = `${r.base64(86)}==`;
      return {
        secret,
        text: `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${secret};EndpointSuffix=core.windows.net`,
      };
    },
  },
  'azure-sas-token': {
    make: (r) => {
      const secret = `${r.base64(43)}%3D`;
      return {
        secret,
        text: `https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sp=r&se=2030-01-01&sig=${secret}\n`,
      };
    },
  },
  'azure-service-bus-key': {
    make: (r) => {
      const secret = `${r.base64(43)}=`;
      return {
        secret,
        text: `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${secret}`,
      };
    },
  },
  'azure-ad-client-secret': token('', (r) => `${r.base62(3)}${r.digits(1)}Q~${r.urlSafe(34)}`),
  'azure-openai-key': named('AZURE_OPENAI_API_KEY', hex(32)),
  'digitalocean-personal-token': token('dop_v1_', hex(64)),
  'digitalocean-oauth-token': token('doo_v1_', hex(64)),
  'digitalocean-refresh-token': token('dor_v1_', hex(64)),
  'heroku-api-key': token('HRKU-AA', urlSafe(58)),
  'heroku-legacy-api-key': named('HEROKU_API_KEY', uuid),
  'cloudflare-api-token': named('CLOUDFLARE_API_TOKEN', urlSafe(40)),
  'cloudflare-global-api-key': named('CLOUDFLARE_API_KEY', hex(37)),
  'cloudflare-origin-ca-key': token('v1.0-', (r) => `${r.hex(24)}-${r.hex(146)}`),
  'alibaba-access-key-id': token('LTAI', base62(20)),
  'alibaba-access-key-secret': named('ALIBABA_CLOUD_ACCESS_KEY_SECRET', base62(30)),
  'ibm-cloud-api-key': named('IBM_CLOUD_API_KEY', urlSafe(44)),
  'oracle-cloud-auth-token': named('OCI_AUTH_TOKEN', (r) => r.pick(`${alphabets.base62}+(){}<>:;.-`, 20)),
  'tencent-cloud-secret-id': token('AKID', base62(32)),
  'huawei-cloud-secret-key': named('HUAWEICLOUD_SDK_SK', base62(40)),
  'scaleway-access-key': token('SCW', (r) => r.upper(17)),
  'scaleway-secret-key': named('SCW_SECRET_KEY', uuid),
  'linode-token': named('LINODE_TOKEN', hex(64)),
  'vultr-api-key': named('VULTR_API_KEY', (r) => r.upper(36)),
  'hetzner-cloud-token': named('HCLOUD_TOKEN', base62(64)),
  'ovh-application-secret': named('OVH_APPLICATION_SECRET', base62(32)),
  'backblaze-application-key': token('K00', (r) => r.pick(`${alphabets.base62}/+`, 28)),
  'wasabi-secret-key': named('WASABI_SECRET_KEY', (r) => r.base64(40)),
  'cloudinary-url': {
    make: (r) => {
      const secret = r.urlSafe(27);
      return { secret, text: `CLOUDINARY_URL=cloudinary://${r.digits(15)}:${secret}@demo\n` };
    },
  },
  'databricks-token': token('dapi', hex(32)),
  'snowflake-password': named('SNOWFLAKE_PASSWORD', (r) => `${r.base62(10)}&${r.base62(6)}`),
  'confluent-api-secret': named('CONFLUENT_API_SECRET', (r) => r.base64(64)),
  'elastic-cloud-api-key': named('ELASTIC_API_KEY', (r) => `${r.urlSafe(58)}==`),
  'yandex-cloud-api-key': token('AQVN', urlSafe(36)),
  'yandex-cloud-iam-token': token('t1.', (r) => `${r.urlSafe(60)}.${r.urlSafe(86)}`),
  'mongodb-atlas-private-key': named('MONGODB_ATLAS_PRIVATE_KEY', uuid),
  // Platforms
  'fly-io-token': token('fo1_', urlSafe(43)),
  'fly-io-macaroon': token('FlyV1 fm2_', (r) => r.base64(200)),
  'fly-io-bare-macaroon': { make: (r) => assigned('FLY_API_TOKEN', `fm2_${r.base64(150)}`) },
  'clickhouse-cloud-api-secret': {
    make: (r) => inCode(`4b1d${r.base62(38)}`),
    negatives: (r) => [
      `const value = '4b1d${r.hex(38)}';`,
      `const value = '4b1d${r.base62(19)}xxxxxxxxxxxxxxxxxxx';`,
    ],
  },
  'vercel-token': named('VERCEL_TOKEN', base62(24)),
  'vercel-prefixed-token': token('vcp_', base62(56)),
  'netlify-token': token('nfp_', base62(36)),
  'netlify-legacy-token': named('NETLIFY_AUTH_TOKEN', urlSafe(43)),
  'render-api-key': token('rnd_', base62(32)),
  'railway-token': named('RAILWAY_TOKEN', uuid),
  'supabase-access-token': token('sbp_', hex(40)),
  'supabase-secret-key': token('sb_secret_', urlSafe(31)),
  'planetscale-token': token('pscale_tkn_', urlSafe(43)),
  'planetscale-password': token('pscale_pw_', urlSafe(43)),
  'planetscale-oauth-token': token('pscale_oauth_', urlSafe(43)),
  'neon-api-key': token('napi_', (r) => r.lower(64)),
  'deno-deploy-token': token('ddp_', base62(36)),
  'upstash-redis-token': named('UPSTASH_REDIS_REST_TOKEN', (r) => `A${r.urlSafe(60)}`),
  'kubernetes-service-token': {
    make: (r) => {
      const secret = `${r.lower(6)}.${r.lower(16)}`;
      return { secret, text: `kubeadm join 10.0.0.1:6443 --token ${secret}\n` };
    },
  },
  'rancher-token': token('token-', (r) => `${r.lower(5)}:${r.lower(54)}`),
  'dynatrace-token': token('dt0c01.', (r) => `${r.upper(24)}.${r.upper(64)}`),
  // Source hosting, CI, registries, secret managers
  'github-personal-access-token': { make: (r) => inCode(checksummedToken(r, 'ghp_')) },
  'github-oauth-token': { make: (r) => inCode(checksummedToken(r, 'gho_')) },
  'github-user-to-server-token': { make: (r) => inCode(checksummedToken(r, 'ghu_')) },
  'github-server-to-server-token': { make: (r) => inCode(checksummedToken(r, 'ghs_')) },
  'github-refresh-token': { make: (r) => inCode(checksummedToken(r, 'ghr_')) },
  'github-fine-grained-token': token('github_pat_', (r) => `${r.base62(22)}_${r.base62(59)}`),
  'gitlab-personal-access-token': token('glpat-', urlSafe(20)),
  'gitlab-deploy-token': token('gldt-', urlSafe(20)),
  'gitlab-runner-token': token('glrt-', urlSafe(20)),
  'gitlab-pipeline-trigger-token': token('glptt-', hex(40)),
  'gitlab-oauth-secret': token('gloas-', hex(64)),
  'gitlab-feed-token': token('glft-', urlSafe(20)),
  'gitlab-job-token': token('glcbt-', (r) => `${r.hex(2)}_${r.urlSafe(20)}`),
  'gitlab-runner-registration-token': token('GR1348941', urlSafe(20)),
  'bitbucket-app-password': named('BITBUCKET_APP_PASSWORD', (r) => `ATBB${r.base62(32)}`),
  'bitbucket-access-token': token('ATCTT3xFfGN0', urlSafe(180)),
  'circleci-personal-token': token('CCIPAT_', (r) => `${r.base62(22)}_${r.hex(40)}`),
  'circleci-project-token': token('CCIPRJ_', (r) => `${r.base62(22)}_${r.hex(40)}`),
  'buildkite-agent-token': token('bkua_', hex(40)),
  'sourcegraph-access-token': {
    // Instance tokens name their instance; `local_` ones come from an instance without one.
    make: (r) => inCode(`sgp_${[`${r.hex(16)}_`, 'local_', ''][Math.floor(r.next() * 3)]}${r.hex(40)}`),
  },
  'sonarqube-token': token('squ_', hex(40)),
  'octopus-deploy-api-key': token('API-', (r) => r.upper(26)),
  'azure-devops-pat': named('AZURE_DEVOPS_PAT', (r) => r.pick(alphabets.base32, 52)),
  'travis-ci-token': named('TRAVIS_API_TOKEN', base62(22)),
  'jfrog-api-key': token('AKCp', base62(69)),
  'jfrog-identity-token': token('cmVmd', base62(59)),
  'codecov-token': named('CODECOV_TOKEN', uuid),
  'gitea-token': named('GITEA_TOKEN', hex(40)),
  'postman-api-key': token('PMAK-', (r) => `${r.hex(24)}-${r.hex(34)}`),
  'readme-api-key': token('rdme_', (r) => r.lower(70)),
  'npm-access-token': { make: (r) => inCode(checksummedToken(r, 'npm_')) },
  'pypi-upload-token': token('pypi-AgEIcHlwaS5vcmc', urlSafe(150)),
  'pypi-test-upload-token': token('pypi-AgENdGVzdC5weXBpLm9yZw', urlSafe(150)),
  'rubygems-api-key': token('rubygems_', hex(48)),
  'nuget-api-key': token('oy2', (r) => r.pick(alphabets.base32, 43)),
  'docker-hub-token': token('dckr_pat_', urlSafe(27)),
  'docker-hub-org-token': token('dckr_oat_', urlSafe(32)),
  'crates-io-token': token('cio', base62(32)),
  'hex-pm-key': named('HEX_API_KEY', hex(32)),
  'clojars-token': token('CLOJARS_', (r) => r.lower(60)),
  'packagist-token': token('packagist_out_', hex(68)),
  'npmrc-auth-token': {
    make: (r) => {
      const secret = r.uuid();
      return {
        secret,
        text: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${secret}\n`,
      };
    },
    negatives: () => [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: npm's own reference to an environment variable
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      '//registry.npmjs.org/:_authToken=00000000-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    ],
  },
  'nuget-config-password': {
    make: (r) => {
      const secret = r.base62(16);
      return {
        secret,
        text: `<packageSourceCredentials>\n  <feed>\n    <add key="Username" value="ci" />\n    <add key="ClearTextPassword" value="${secret}" />\n`,
      };
    },
    negatives: () => [
      '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />',
      '<add key="ClearTextPassword" value="xxxxxxxxxxxx" />',
      '<add key="Password" value="AQAAANCMnd8BFdERjHoAwE" />',
    ],
  },
  'maven-settings-password': {
    make: (r) => {
      const secret = r.base62(16);
      return {
        secret,
        text: `<server>\n  <id>central</id>\n  <username>deploy</username>\n  <password>${secret}</password>\n</server>\n`,
      };
    },
    negatives: (r) => [
      `<password>{${r.base64(43)}=}</password>`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Maven property, not a template
      '<password>${env.MAVEN_PASSWORD}</password>',
      '<password>xxxxxxxx</password>',
    ],
  },
  'sidekiq-credentials': named('BUNDLE_ENTERPRISE__CONTRIBSYS__COM', (r) => `${r.hex(8)}:${r.hex(8)}`),
  'sidekiq-url': {
    make: (r) => {
      const secret = `${r.hex(8)}:${r.hex(8)}`;
      return { secret, text: `source "https://${secret}@enterprise.contribsys.com/" do\n` };
    },
    negatives: (r) => [
      `source "https://${r.hex(8)}:${r.hex(8)}@rubygems.org/" do`,
      'source "https://gems.contribsys.com/" do',
    ],
  },
  'hashicorp-vault-service-token': token('hvs.', urlSafe(90)),
  'hashicorp-vault-batch-token': token('hvb.', urlSafe(90)),
  'hashicorp-vault-recovery-token': token('hvr.', urlSafe(90)),
  'terraform-cloud-token': token('', (r) => `${r.base62(14)}.atlasv1.${r.urlSafe(67)}`),
  'doppler-token': token('dp.pt.', base62(43)),
  'onepassword-service-account-token': token('ops_eyJ', urlSafe(200)),
  'onepassword-secret-key': token('A3-', (r) =>
    [6, 6, 5, 5, 5, 5, 5].map((length) => r.upper(length)).join('-'),
  ),
  'pulumi-access-token': token('pul-', hex(40)),
  'infisical-token': { make: (r) => assigned('INFISICAL_TOKEN', `st.${r.uuid()}.${r.hex(32)}.${r.hex(32)}`) },
  'age-secret-key': token('AGE-SECRET-KEY-1', (r) => r.pick(alphabets.bech32, 58)),
  'prefect-api-key': token('pnu_', base62(36)),
  // Payments
  'stripe-live-secret-key': token('sk_live_', base62(99)),
  'stripe-test-secret-key': token('sk_test_', base62(99)),
  'stripe-live-restricted-key': token('rk_live_', base62(99)),
  'stripe-test-restricted-key': token('rk_test_', base62(99)),
  'stripe-webhook-secret': token('whsec_', base62(32)),
  'square-access-token': token('EAAA', urlSafe(60)),
  'square-legacy-access-token': token('sq0atp-', urlSafe(22)),
  'square-oauth-secret': token('sq0csp-', urlSafe(43)),
  'braintree-access-token': token('access_token$production$', (r) => `${r.lower(16)}$${r.hex(32)}`),
  'paypal-client-secret': named('PAYPAL_CLIENT_SECRET', (r) => `E${r.urlSafe(79)}`),
  'adyen-api-key': token('AQE', (r) => `${r.base62(3)}${r.urlSafe(150)}`),
  'shopify-access-token': token('shpat_', hex(32)),
  'shopify-custom-app-token': token('shpca_', hex(32)),
  'shopify-private-app-token': token('shppa_', hex(32)),
  'shopify-shared-secret': token('shpss_', hex(32)),
  'razorpay-key-id': token('rzp_live_', base62(14)),
  'razorpay-key-secret': named('RAZORPAY_KEY_SECRET', base62(24)),
  'flutterwave-secret-key': token('FLWSECK_TEST-', (r) => `${r.pick('abcdefgh0123456789', 32)}-X`),
  'flutterwave-encryption-key': token('FLWSECK_TEST', (r) => r.pick('abcdefgh0123456789', 12)),
  'mollie-api-key': named('MOLLIE_API_KEY', (r) => `live_${r.base62(30)}`),
  'gocardless-access-token': named('GOCARDLESS_ACCESS_TOKEN', (r) => `live_${r.urlSafe(40)}`),
  'plaid-access-token': token('access-production-', uuid),
  'plaid-secret': named('PLAID_SECRET', hex(30)),
  'coinbase-api-secret': named('COINBASE_API_SECRET', base62(32)),
  'easypost-api-key': token('EZAK', base62(54)),
  'shippo-api-token': token('shippo_live_', hex(40)),
  'duffel-api-token': token('duffel_test_', urlSafe(43)),
  'lob-api-key': named('LOB_API_KEY', (r) => `live_${r.hex(35)}`),
  'checkout-secret-key': named('CHECKOUT_SECRET_KEY', (r) => `sk_sbox_${r.lower(26)}`),
  // Messaging
  'slack-bot-token': token('xoxb-', (r) => `${r.digits(11)}-${r.digits(12)}-${r.base62(24)}`),
  'slack-user-token': token('xoxp-', (r) => `${r.digits(11)}-${r.digits(12)}-${r.digits(12)}-${r.hex(32)}`),
  'slack-app-token': token('xapp-1-', (r) => `${r.upper(10)}-${r.digits(13)}-${r.hex(64)}`),
  'slack-config-token': token('xoxe.xoxp-1-', (r) => r.upper(150)),
  'slack-legacy-bot-token': {
    make: (r) => inCode(`xoxb-${r.digits(12)}-${r.base62(24)}`),
    negatives: (r) => [
      `const value = 'xoxb-${r.digits(11)}-${r.digits(12)}-${r.base62(24)}';`,
      `const value = 'xoxb-${r.digits(12)}-${r.base62(12)}xxxxxxxxxxxx';`,
    ],
  },
  'slack-config-refresh-token': token('xoxe-', (r) => `1-${r.upper(146)}`),
  'slack-legacy-token': token('xoxs-', (r) => `${r.digits(12)}-${r.base62(12)}-${r.base62(20)}`),
  'slack-webhook-url': {
    make: (r) => {
      const secret = `T${r.upper(10)}/B${r.upper(10)}/${r.base62(24)}`;
      return { secret, text: `SLACK_WEBHOOK=https://hooks.slack.com/services/${secret}\n` };
    },
  },
  'twilio-api-key': { make: (r) => assigned('TWILIO_API_KEY', `SK${r.hex(32)}`) },
  'twilio-auth-token': named('TWILIO_AUTH_TOKEN', hex(32)),
  'sendgrid-api-key': token('SG.', (r) => `${r.urlSafe(22)}.${r.urlSafe(43)}`),
  'mailgun-api-key': { make: (r) => assigned('MAILGUN_API_KEY', `key-${r.hex(32)}`) },
  'mailgun-signing-key': named('MAILGUN_API_KEY', (r) => `${r.hex(32)}-${r.hex(8)}-${r.hex(8)}`),
  'mailchimp-api-key': token('', (r) => `${r.hex(32)}-us14`),
  'mandrill-api-key': { make: (r) => assigned('MANDRILL_KEY', `md-${r.urlSafe(22)}`) },
  'postmark-server-token': named('POSTMARK_SERVER_TOKEN', uuid),
  'brevo-api-key': token('xkeysib-', (r) => `${r.hex(64)}-${r.base62(16)}`),
  'brevo-smtp-key': token('xsmtpsib-', (r) => `${r.hex(64)}-${r.base62(16)}`),
  'mailjet-secret-key': named('MAILJET_SECRET_KEY', hex(32)),
  'sparkpost-api-key': named('SPARKPOST_API_KEY', hex(40)),
  'discord-bot-token': {
    make: (r) => assigned('DISCORD_TOKEN', `M${r.urlSafe(25)}.${r.urlSafe(6)}.${r.urlSafe(38)}`),
  },
  'discord-webhook-url': {
    make: (r) => {
      const secret = r.urlSafe(68);
      return { secret, text: `url = "https://discord.com/api/webhooks/${r.digits(18)}/${secret}"\n` };
    },
  },
  'telegram-bot-token': token('', (r) => `${r.digits(10)}:AA${r.urlSafe(33)}`),
  'microsoft-teams-webhook': {
    make: (r) =>
      inCode(
        `https://contoso.webhook.office.com/webhookb2/${r.uuid()}@${r.uuid()}/IncomingWebhook/${r.hex(32)}/${r.uuid()}`,
      ),
    negatives: () => [
      'https://contoso.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>',
    ],
  },
  'microsoft-teams-workflow-url': {
    make: (r) => {
      const secret = r.urlSafe(43);
      return {
        secret,
        text: `url: "https://prod-12.westeurope.logic.azure.com:443/workflows/${r.hex(32)}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${secret}"\n`,
      };
    },
    negatives: (r) => [
      `url: "https://prod-12.westeurope.logic.azure.com:443/workflows/${r.hex(32)}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=<signature>"`,
      `url: "https://prod-12.westeurope.logic.azure.com:443/workflows/${r.hex(32)}/triggers/manual/paths/invoke?api-version=2016-06-01"`,
    ],
  },
  'vonage-api-secret': named('VONAGE_API_SECRET', base62(16)),
  'messagebird-api-key': named('MESSAGEBIRD_ACCESS_KEY', base62(25)),
  'pusher-secret': named('PUSHER_APP_SECRET', hex(20)),
  'intercom-access-token': named('INTERCOM_ACCESS_TOKEN', (r) => `dG9rO${r.urlSafe(55)}=`),
  'zendesk-api-token': named('ZENDESK_API_TOKEN', base62(40)),
  'twitter-bearer-token': {
    make: (r) => inCode(`${'A'.repeat(21)}${r.base62(60)}`),
    negatives: (r) => [
      `const value = '${'A'.repeat(60)}';`,
      `src: url(data:font/woff2;base64,${'A'.repeat(24)}${r.base62(40)}+${r.base64(40)})`,
    ],
  },
  'twitter-api-secret': named('TWITTER_API_SECRET', base62(50)),
  'facebook-access-token': token('EAAG', base62(120)),
  'facebook-app-secret': named('FACEBOOK_APP_SECRET', hex(32)),
  'line-channel-secret': named('LINE_CHANNEL_ACCESS_TOKEN', (r) => r.base64(172)),
  'zoom-client-secret': named('ZOOM_CLIENT_SECRET', base62(32)),
  'mattermost-token': named('MATTERMOST_TOKEN', (r) => r.lower(26)),
  'onesignal-api-key': token('os_v2_app_', (r) => r.pick(alphabets.base32, 110)),
  // AI
  'amazon-bedrock-api-key': token('ABSKQmVkcm9ja0FQSUtleS', (r) => r.base64(110)),
  'amazon-bedrock-short-term-api-key': token('bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t', (r) =>
    r.base64(400),
  ),
  'openai-project-key': token('sk-proj-', urlSafe(156)),
  'openai-service-account-key': token('sk-svcacct-', urlSafe(156)),
  'openai-admin-key': token('sk-admin-', urlSafe(156)),
  'openai-legacy-key': token('sk-', (r) => `${r.base62(20)}T3BlbkFJ${r.base62(20)}`),
  'anthropic-api-key': token('sk-ant-api03-', (r) => `${r.urlSafe(93)}AA`),
  'anthropic-admin-key': token('sk-ant-admin01-', (r) => `${r.urlSafe(93)}AA`),
  'anthropic-key': token('sk-ant-oat01-', urlSafe(95)),
  'huggingface-token': token('hf_', base62(34)),
  'huggingface-org-token': token('api_org_', (r) => r.letters(34)),
  'replicate-api-token': token('r8_', base62(37)),
  'groq-api-key': token('gsk_', base62(52)),
  'perplexity-api-key': token('pplx-', base62(48)),
  'xai-api-key': token('xai-', base62(80)),
  'openrouter-api-key': token('sk-or-v1-', hex(64)),
  'langsmith-api-key': token('lsv2_pt_', (r) => `${r.hex(32)}_${r.hex(10)}`),
  'pinecone-api-key': token('pcsk_', (r) => `${r.base62(6)}_${r.base62(65)}`),
  'together-api-key': token('tgp_v1_', urlSafe(43)),
  'fireworks-api-key': token('fw_', base62(24)),
  'cerebras-api-key': token('csk-', (r) => r.lower(48)),
  'anyscale-api-key': token('esecret_', (r) => r.lower(26)),
  'voyage-api-key': { make: (r) => assigned('VOYAGE_API_KEY', `pa-${r.urlSafe(43)}`) },
  'elevenlabs-api-key': { make: (r) => assigned('ELEVENLABS_API_KEY', `sk_${r.hex(48)}`) },
  'stability-api-key': { make: (r) => assigned('STABILITY_API_KEY', `sk-${r.base62(48)}`) },
  'deepseek-api-key': { make: (r) => assigned('DEEPSEEK_API_KEY', `sk-${r.hex(32)}`) },
  'weights-and-biases-key': { make: (r) => assigned('WANDB_API_KEY', `local-${r.hex(40)}`) },
  'wandb-api-key': named('WANDB_API_KEY', hex(40)),
  'cohere-api-key': named('COHERE_API_KEY', base62(40)),
  'mistral-api-key': named('MISTRAL_API_KEY', base62(32)),
  'assemblyai-api-key': named('ASSEMBLYAI_API_KEY', hex(32)),
  'deepgram-api-key': named('DEEPGRAM_API_KEY', hex(40)),
  'clarifai-pat': named('CLARIFAI_PAT', hex(32)),
  'runpod-api-key': named('RUNPOD_API_KEY', (r) => r.upper(40)),
  'modal-token-secret': named('MODAL_TOKEN_SECRET', (r) => `as-${r.base62(22)}`),
  // Observability
  'sumologic-access-key': named('SUMO_ACCESS_KEY', base62(64)),
  'sumologic-http-source-url': {
    make: (r) => {
      const secret = `${r.base64(90)}==`;
      return {
        secret,
        text: `endpoint: https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/${secret}\n`,
      };
    },
  },
  'sentry-user-token': token('sntryu_', hex(64)),
  'sentry-org-token': token('sntrys_eyJ', (r) => `${r.urlSafe(100)}_${r.urlSafe(43)}`),
  'datadog-api-key': named('DATADOG_API_KEY', hex(32)),
  'datadog-app-key': named('DD_APP_KEY', hex(40)),
  'new-relic-user-key': token('NRAK-', (r) => r.upper(27)),
  'new-relic-insights-key': token('NRII-', urlSafe(32)),
  'new-relic-browser-key': token('NRJS-', hex(19)),
  'new-relic-license-key': named('NEW_RELIC_LICENSE_KEY', hex(40)),
  'pagerduty-api-key': named('PAGERDUTY_API_KEY', (r) => `u+${r.urlSafe(18)}`),
  'grafana-cloud-token': token('glc_eyJ', (r) => r.base64(100)),
  'grafana-service-account-token': token('glsa_', (r) => `${r.base62(32)}_${r.hex(8)}`),
  'honeycomb-api-key': named('HONEYCOMB_API_KEY', base62(22)),
  'splunk-hec-token': named('SPLUNK_HEC_TOKEN', uuid),
  'logtail-source-token': named('LOGTAIL_SOURCE_TOKEN', base62(24)),
  'rollbar-access-token': named('ROLLBAR_ACCESS_TOKEN', hex(32)),
  'bugsnag-api-key': named('BUGSNAG_API_KEY', hex(32)),
  'opsgenie-api-key': named('OPSGENIE_API_KEY', uuid),
  'statuspage-api-key': named('STATUSPAGE_API_KEY', uuid),
  // Productivity and content
  'atlassian-api-token': token('ATATT3', urlSafe(186)),
  'jira-api-token': named('JIRA_API_TOKEN', base62(24)),
  'linear-api-key': token('lin_api_', base62(40)),
  'linear-oauth-token': token('lin_oauth_', hex(64)),
  'notion-integration-token': token('ntn_', base62(46)),
  'notion-legacy-token': { make: (r) => assigned('NOTION_TOKEN', `secret_${r.base62(43)}`) },
  'airtable-pat': token('pat', (r) => `${r.base62(14)}.${r.hex(64)}`),
  'airtable-api-key': named('AIRTABLE_API_KEY', (r) => `key${r.base62(14)}`),
  'figma-pat': token('figd_', urlSafe(40)),
  'asana-pat': named('ASANA_TOKEN', (r) => `1/${r.digits(16)}:${r.hex(32)}`),
  'trello-api-token': named('TRELLO_TOKEN', (r) => `ATTA${r.hex(64)}`),
  'monday-api-token': named('MONDAY_API_TOKEN', (r) => makeJwt(r)),
  'clickup-api-token': token('pk_', (r) => `${r.digits(8)}_${r.upper(32)}`),
  'dropbox-access-token': token('sl.', urlSafe(140)),
  'dropbox-long-lived-token': {
    make: (r) => assigned('DROPBOX_TOKEN', `${r.urlSafe(11)}AAAAAAAAAA${r.urlSafe(43)}`),
    negatives: () => [`DROPBOX_TOKEN=${'A'.repeat(64)}`],
  },
  'box-api-token': named('BOX_DEVELOPER_TOKEN', base62(32)),
  'contentful-pat': token('CFPAT-', urlSafe(43)),
  'typeform-pat': token('tfp_', (r) => `${r.urlSafe(44)}_${r.urlSafe(14)}`),
  'frameio-token': token('fio-u-', urlSafe(64)),
  'hubspot-private-app-token': token('pat-na1-', uuid),
  'mapbox-secret-token': token('sk.eyJ', (r) => `${r.urlSafe(80)}.${r.urlSafe(22)}`),
  'algolia-admin-key': named('ALGOLIA_ADMIN_KEY', hex(32)),
  'twitch-client-secret': named('TWITCH_CLIENT_SECRET', (r) => r.lower(30)),
  'twitch-oauth-token': token('oauth:', (r) => r.lower(30)),
  'maxmind-license-key': token('', (r) => `${r.base62(6)}_${r.base62(29)}_mmk`),
  'maxmind-legacy-license-key': named('MAXMIND_LICENSE_KEY', base62(16)),
  'okta-api-token': named('OKTA_API_TOKEN', (r) => `00${r.urlSafe(40)}`),
  'auth0-client-secret': named('AUTH0_CLIENT_SECRET', urlSafe(64)),
  'launchdarkly-api-key': { make: (r) => assigned('LAUNCHDARKLY_API_KEY', `api-${r.uuid()}`) },
  'segment-write-key': named('SEGMENT_WRITE_KEY', base62(32)),
  'mixpanel-api-secret': named('MIXPANEL_API_SECRET', hex(32)),
  'salesforce-access-token': named('SALESFORCE_ACCESS_TOKEN', (r) => `00D${r.base62(15)}!${r.base62(96)}`),
  'bitly-access-token': named('BITLY_ACCESS_TOKEN', hex(40)),
  'snyk-api-token': named('SNYK_TOKEN', uuid),
  'lokalise-api-token': named('LOKALISE_API_TOKEN', hex(40)),
  'crowdin-pat': named('CROWDIN_PERSONAL_TOKEN', hex(80)),
  'zapier-webhook-url': {
    make: (r) => {
      const secret = `${r.digits(7)}/${r.lower(7)}`;
      return { secret, text: `hook: https://hooks.zapier.com/hooks/catch/${secret}/\n` };
    },
  },
  'freshdesk-api-key': named('FRESHDESK_API_KEY', base62(20)),
  'calendly-token': named('CALENDLY_TOKEN', (r) => makeJwt(r)),
  'docusign-secret': named('DOCUSIGN_SECRET', uuid),
  // Key material, tokens, connection strings
  'pem-rsa-private-key': pem('RSA PRIVATE KEY'),
  'pem-ec-private-key': pem('EC PRIVATE KEY'),
  'pem-dsa-private-key': pem('DSA PRIVATE KEY'),
  'pem-private-key': pem('PRIVATE KEY'),
  'pem-encrypted-private-key': pem('ENCRYPTED PRIVATE KEY'),
  'openssh-private-key': pem('OPENSSH PRIVATE KEY'),
  'pgp-private-key-block': pem('PGP PRIVATE KEY BLOCK'),
  'putty-private-key': {
    make: (r) => {
      const secret = `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\n${r.base64(64)}\n${r.base64(20)}\nPrivate-Lines: 1\n${r.base64(44)}\n`;
      return { secret, text: `${secret}Private-MAC: ${r.hex(64)}\n` };
    },
    negatives: () => ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: no key here\n'],
  },
  jwt: {
    make: (r) => inCode(makeJwt(r)),
    negatives: (r) => [
      `const value = '${makeJwt(r, { typ: 'JWT' })}';`,
      `const value = 'eyJhbGciOi.eyJzdWIi.not-a-signature';`,
    ],
  },
  'postgres-url-password': dbUrl('postgresql'),
  'mysql-url-password': dbUrl('mysql'),
  'mariadb-url-password': dbUrl('mariadb'),
  'mongodb-url-password': dbUrl('mongodb+srv'),
  'redis-url-password': dbUrl('rediss'),
  'amqp-url-password': dbUrl('amqps'),
  'mssql-url-password': dbUrl('sqlserver'),
  'clickhouse-url-password': dbUrl('clickhouse'),
  'cockroachdb-url-password': dbUrl('cockroachdb'),
  'couchbase-url-password': dbUrl('couchbases'),
  'neo4j-url-password': dbUrl('neo4j+s'),
  'cassandra-url-password': dbUrl('cassandra'),
  'nats-url-password': dbUrl('nats'),
  'mqtt-url-password': dbUrl('mqtts'),
  'ldap-url-password': dbUrl('ldaps'),
  'smtp-url-password': dbUrl('smtps'),
  'ftp-url-password': dbUrl('sftp'),
  'jdbc-password': {
    make: (r) => {
      const secret = r.base62(16);
      return { secret, text: `jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=${secret};\n` };
    },
    negatives: () => [`jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=${'$'}{DB_PASSWORD};`],
  },
  'ado-net-password': {
    make: (r) => {
      const secret = r.base62(16);
      return { secret, text: `"Server=tcp:db.internal,1433;Database=app;User ID=app;Password=${secret};"\n` };
    },
    negatives: () => ['"Server=tcp:db.internal,1433;Database=app;User ID=app;Password=<password>;"'],
  },
  // Issue 14, more providers: payments and commerce
  'bittrex-api-key': named('BITTREX_API_SECRET', base62(32)),
  'kraken-api-key': named('KRAKEN_PRIVATE_KEY', (r) => `${r.base64(86)}==`),
  'kucoin-api-key': named('KUCOIN_API_KEY', hex(24)),
  'kucoin-api-secret': named('KUCOIN_API_SECRET', uuid),
  'sumup-api-key': token('sup_sk_', base62(32)),
  'finicity-api-token': named('FINICITY_APP_KEY', hex(32)),
  'finicity-client-secret': named('FINICITY_SECRET', base62(20)),
  'etsy-api-key': named('ETSY_KEYSTRING', base62(24)),
  'squarespace-api-key': named('SQUARESPACE_API_KEY', uuid),
  'freshbooks-token': named('FRESHBOOKS_ACCESS_TOKEN', base62(64)),
  'infracost-api-key': token('ico-', base62(32)),
  'settlemint-token': {
    make: (r) => inCode(`sm_${['pat', 'aat', 'sat'][Math.floor(r.next() * 3)]}_${r.base62(16)}`),
    negatives: (r) => [`const value = 'sm_xyz_${r.base62(16)}';`, `const value = 'sm_pat_${r.base62(8)}';`],
  },
  'openshift-token': token('sha256~', urlSafe(43)),
  'scalingo-api-token': token('tk-us-', urlSafe(48)),
  'defined-networking-api-token': token('dnkey-', (r) => `${r.urlSafe(26)}-${r.urlSafe(52)}`),
  'sendbird-access-token': named('SENDBIRD_API_TOKEN', hex(40)),
  'sendbird-app-id': named('SENDBIRD_APP_ID', uuid),
  'beamer-api-key': named('BEAMER_API_KEY', (r) => `b_${r.urlSafe(44)}`),
  // Issue 14, more providers: SaaS
  'adafruit-io-key': token('aio_', base62(28)),
  'adafruit-api-key': named('ADAFRUIT_IO_KEY', hex(32)),
  'adobe-client-secret': token('p8e-', urlSafe(32)),
  'adobe-client-id': named('ADOBE_CLIENT_ID', hex(32)),
  'authress-access-key': token(
    '',
    (r) => `sc_${r.base62(12)}.${r.base62(4)}.acc_${r.lower(16)}.${r.base64(80)}`,
  ),
  'finnhub-api-key': named('FINNHUB_API_KEY', (r) => r.lower(20)),
  'flickr-api-key': named('FLICKR_API_SECRET', hex(32)),
  'linkedin-client-secret': named('LINKEDIN_CLIENT_SECRET', base62(16)),
  'linkedin-client-id': named('LINKEDIN_CLIENT_ID', (r) => r.lower(14)),
  'nytimes-api-key': named('NYTIMES_API_KEY', urlSafe(32)),
  'rapidapi-key': {
    make: (r) => {
      const secret = `${r.hex(10)}msh${r.hex(15)}p${r.hex(6)}jsn${r.hex(12)}`;
      return { secret, text: `headers: { 'X-RapidAPI-Key': '${secret}' }\n` };
    },
  },
  // Issue 14, more providers: hosting, CI, AI, messaging
  'harness-api-token': {
    make: (r) => inCode(`${r.next() < 0.5 ? 'pat' : 'sat'}.${r.urlSafe(22)}.${r.base62(24)}.${r.base62(20)}`),
    negatives: (r) => [
      `const value = 'compat.${r.urlSafe(22)}.${r.base62(24)}.${r.base62(20)}';`,
      `const value = 'pat.${r.urlSafe(22)}.${r.base62(24)}';`,
    ],
  },
  'dependency-track-api-key': token('odt_', base62(32)),
  'tailscale-key': token('tskey-auth-', (r) => `k${r.base62(6)}CNTRL-${r.base62(33)}`),
  'yandex-cloud-static-key-secret': named('YANDEX_SECRET_ACCESS_KEY', (r) => `YC${r.urlSafe(38)}`),
  'ngrok-token': named('NGROK_AUTHTOKEN', (r) => `${r.digits(1)}${r.base62(26)}_${r.base62(21)}`),
  'fastly-api-token': named('FASTLY_API_TOKEN', urlSafe(32)),
  'tavily-api-key': token('tvly-', base62(32)),
  'firecrawl-api-key': { make: (r) => assigned('FIRECRAWL_API_KEY', `fc-${r.hex(32)}`) },
  'nvidia-api-key': token('nvapi-', urlSafe(64)),
  'jina-api-key': token('jina_', (r) => `${r.hex(32)}${r.urlSafe(28)}`),
  'langfuse-secret-key': token('sk-lf-', uuid),
  'pubnub-secret-key': token('sec-c-', (r) => Buffer.from(r.uuid()).toString('base64')),
  'pubnub-publish-key': token('pub-c-', uuid),
  'ably-api-key': named('ABLY_API_KEY', (r) => `${r.urlSafe(6)}.${r.urlSafe(6)}:${r.urlSafe(43)}`),
  'resend-api-key': { make: (r) => assigned('RESEND_API_KEY', `re_${r.base62(8)}_${r.base62(24)}`) },
  'mailersend-api-token': token('mlsn.', hex(64)),
  // Issue 14, more providers: observability, SaaS, exchanges
  'axiom-api-token': token('xaat-', uuid),
  'grafana-api-key': {
    make: (r) => inCode(Buffer.from(JSON.stringify({ k: r.base62(32), n: 'ci', id: 1 })).toString('base64')),
  },
  'sentry-access-token': named('SENTRY_AUTH_TOKEN', hex(64)),
  'amplitude-secret-key': {
    make: (r) => assigned('AMPLITUDE_SECRET_KEY', r.hex(32)),
    negatives: (r) => [`AMPLITUDE_API_KEY=${r.hex(32)}`, `AMPLITUDE_SECRET_KEY=${r.hex(16)}xxxxxxxxxxxxxxxx`],
  },
  'hubspot-api-key': named('HUBSPOT_API_KEY', uuid),
  'intra42-client-secret': token('s-s4t2ud-', hex(64)),
  'shodan-api-key': named('SHODAN_API_KEY', base62(32)),
  'browserstack-access-key': named('BROWSERSTACK_ACCESS_KEY', base62(20)),
  'gitter-access-token': named('GITTER_TOKEN', hex(40)),
  'meraki-api-key': named('MERAKI_DASHBOARD_API_KEY', hex(40)),
  'binance-api-key': named('BINANCE_API_SECRET', base62(64)),
  'etherscan-api-key': named('ETHERSCAN_API_KEY', (r) => r.upper(34)),
  'infura-api-key': named('INFURA_API_KEY', hex(32)),
  'confluent-api-key': named('CONFLUENT_API_KEY', (r) => r.upper(16)),
  // Issue 14, more providers: billing, analytics, API platforms
  'paddle-api-key': token('pdl_live_apikey_', (r) => `${r.lower(26)}_${r.base62(22)}_${r.base62(3)}`),
  'ebay-cert-id': token('PRD-', (r) => `${r.hex(12)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}`),
  'posthog-personal-api-key': token('phx_', base62(43)),
  'apify-api-token': token('apify_api_', base62(36)),
  'zuplo-api-key': token('zpka_', (r) => `${r.hex(32)}_${r.hex(8)}`),
  'xata-api-key': token('xau_', base62(36)),
  'liveblocks-secret-key': token('sk_prod_', urlSafe(64)),
};

Object.assign(fixtures, contextFixtures);

const ruleIds = listRules()
  .map((rule) => rule.id)
  .filter((id) => id !== 'generic-secret-assignment' && id !== 'env-file-committed');

function spansOf(findings: CredentialFinding[], text: string, ruleId: string): string[] {
  return findings
    .filter((finding) => finding.ruleId === ruleId)
    .map((finding) => text.slice(finding.start, finding.end));
}

/** The default negative: the secret's second half replaced by `x`s, as documentation does. */
function placeholderOf(text: string, secret: string): string {
  const keep = Math.ceil(secret.length / 2);
  return text.replace(secret, secret.slice(0, keep) + 'x'.repeat(secret.length - keep));
}

describe('known-format rules', () => {
  it('has a fixture for every rule, and no fixture without a rule', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...ruleIds].sort());
  });

  // Issue 14 asks for 250 providers or more.
  it('covers at least 250 distinct providers', () => {
    const providers = new Set(listRules().map((rule) => rule.provider));
    expect(providers.size).toBeGreaterThanOrEqual(250);
  });

  it.each(ruleIds)('%s: finds the secret, exactly, in its fixture', (id) => {
    const fixture = fixtures[id]!;
    for (let seed = 1; seed <= 5; seed++) {
      const { secret, text } = fixture.make(createRandom(seed * 7919 + id.length));
      expect(spansOf(findCredentials(text, 'src/settings.py'), text, id)).toEqual([secret]);
    }
  });

  it.each(ruleIds)('%s: does not report its negatives', (id) => {
    const fixture = fixtures[id]!;
    const random = createRandom(42);
    const { secret, text } = fixture.make(random);
    const negatives = fixture.negatives ? fixture.negatives(random) : [placeholderOf(text, secret)];
    expect(negatives.length).toBeGreaterThan(0);
    for (const negative of negatives) {
      expect(spansOf(findCredentials(negative, 'src/settings.py'), negative, id)).toEqual([]);
    }
  });
});
