/**
 * Rules for payments, messaging and business SaaS: keys that move money, send mail or messages
 * as the company, or read its customer data. Formats from each provider's API documentation.
 */
import {
  assignedRule,
  type CredentialRule,
  caseless,
  looksRandom,
  patternRule,
  prefixRule,
  type RuleOptions,
  tokenCharacter,
} from './scan-rules-model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const hex = 'a-fA-F0-9';
const uuid = `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`;

function rule(
  id: string,
  provider: string,
  description: string,
  prefix: string,
  body: string,
  options: RuleOptions = { minEntropy: 3 },
): CredentialRule {
  return prefixRule({ id, provider, description }, prefix, body, options);
}

function named(
  id: string,
  provider: string,
  description: string,
  names: readonly string[],
  value: string,
  options: RuleOptions = { minEntropy: 3 },
): CredentialRule {
  return assignedRule(
    { id, provider, description },
    names.map((name) => name.toLowerCase()),
    names.map(caseless).join('|'),
    value,
    options,
  );
}

/** Payments and commerce. */
export const paymentRules: readonly CredentialRule[] = [
  rule('stripe-live-secret-key', 'Stripe', 'Stripe live secret key', 'sk_live_', `[${base62}]{24,247}`, {
    minEntropy: 3.5,
  }),
  rule('stripe-test-secret-key', 'Stripe', 'Stripe test secret key', 'sk_test_', `[${base62}]{24,247}`, {
    minEntropy: 3.5,
  }),
  rule(
    'stripe-live-restricted-key',
    'Stripe',
    'Stripe live restricted key',
    'rk_live_',
    `[${base62}]{24,247}`,
    {
      minEntropy: 3.5,
    },
  ),
  rule(
    'stripe-test-restricted-key',
    'Stripe',
    'Stripe test restricted key',
    'rk_test_',
    `[${base62}]{24,247}`,
    {
      minEntropy: 3.5,
    },
  ),
  rule('stripe-webhook-secret', 'Stripe', 'Stripe webhook signing secret', 'whsec_', `[${base62}+/=]{32,}`, {
    minEntropy: 3.5,
  }),
  rule('square-access-token', 'Square', 'Square access token', 'EAAA', `[${urlSafe}]{60}`, { minEntropy: 4 }),
  rule('square-legacy-access-token', 'Square', 'Square access token (legacy)', 'sq0atp-', `[${urlSafe}]{22}`),
  rule('square-oauth-secret', 'Square', 'Square OAuth application secret', 'sq0csp-', `[${urlSafe}]{43}`),
  rule(
    'braintree-access-token',
    'Braintree',
    'PayPal Braintree access token',
    'access_token$production$',
    '[a-z0-9]{16}\\$[a-f0-9]{32}',
  ),
  named('paypal-client-secret', 'PayPal', 'PayPal REST client secret', ['paypal'], `E[${urlSafe}]{79}`, {
    minEntropy: 4,
  }),
  rule('adyen-api-key', 'Adyen', 'Adyen API key', 'AQE', `[a-zA-Z0-9]{3}[${urlSafe}+/=.]{100,}`, {
    minEntropy: 4.5,
    keywords: ['aqe'],
  }),
  rule('shopify-access-token', 'Shopify', 'Shopify Admin API access token', 'shpat_', '[a-fA-F0-9]{32}'),
  rule('shopify-custom-app-token', 'Shopify', 'Shopify custom app access token', 'shpca_', '[a-fA-F0-9]{32}'),
  rule('shopify-private-app-token', 'Shopify', 'Shopify private app password', 'shppa_', '[a-fA-F0-9]{32}'),
  rule('shopify-shared-secret', 'Shopify', 'Shopify app shared secret', 'shpss_', '[a-fA-F0-9]{32}'),
  rule('razorpay-key-id', 'Razorpay', 'Razorpay live key ID', 'rzp_live_', `[${base62}]{14}`),
  named('razorpay-key-secret', 'Razorpay', 'Razorpay key secret', ['razorpay'], `[${base62}]{24}`, {
    minEntropy: 3.8,
  }),
  rule(
    'flutterwave-secret-key',
    'Flutterwave',
    'Flutterwave secret key',
    'FLWSECK',
    '(?:_TEST)?-[a-h0-9]{32}-X',
  ),
  rule(
    'flutterwave-encryption-key',
    'Flutterwave',
    'Flutterwave encryption key',
    'FLWSECK_TEST',
    '[a-h0-9]{12}',
    {
      minEntropy: 2.8,
    },
  ),
  named('mollie-api-key', 'Mollie', 'Mollie API key', ['mollie'], `(?:live|test)_[${base62}]{30}`, {
    minEntropy: 3.5,
  }),
  named(
    'gocardless-access-token',
    'GoCardless',
    'GoCardless access token',
    ['gocardless'],
    `live_[${urlSafe}=]{40}`,
    {
      minEntropy: 3.8,
    },
  ),
  rule(
    'plaid-access-token',
    'Plaid',
    'Plaid access token',
    'access-',
    `(?:production|development|sandbox)-${uuid}`,
    {
      minEntropy: 3,
      keywords: ['access-production-', 'access-development-', 'access-sandbox-'],
    },
  ),
  named('plaid-secret', 'Plaid', 'Plaid API secret', ['plaid_secret', 'plaid-secret'], '[a-f0-9]{30}'),
  named('coinbase-api-secret', 'Coinbase', 'Coinbase API secret', ['coinbase'], `[${base62}]{32}`, {
    minEntropy: 4,
  }),
  rule('easypost-api-key', 'EasyPost', 'EasyPost API key', 'EZ', `[AT]K[a-zA-Z0-9]{54}`, {
    minEntropy: 4,
    keywords: ['ezak', 'eztk'],
  }),
  rule('shippo-api-token', 'Shippo', 'Shippo API token', 'shippo_', '(?:live|test)_[a-f0-9]{40}'),
  rule('duffel-api-token', 'Duffel', 'Duffel API token', 'duffel_', `(?:live|test)_[${urlSafe}=]{43}`),
  named(
    'lob-api-key',
    'Lob',
    'Lob API key',
    ['lob_api', 'lob_key', 'lob_secret', 'lob-api'],
    '(?:live|test)_[a-f0-9]{35}',
  ),
  named(
    'checkout-secret-key',
    'Checkout.com',
    'Checkout.com secret key',
    ['checkout'],
    `sk_(?:sbox_)?[a-z0-9]{26}`,
    {
      minEntropy: 3.5,
    },
  ),
];

/** Messaging, e-mail and notifications. */
export const messagingRules: readonly CredentialRule[] = [
  rule('slack-bot-token', 'Slack', 'Slack bot token', 'xoxb-', '\\d{8,13}-\\d{8,13}-[a-zA-Z0-9]{24}'),
  rule(
    'slack-user-token',
    'Slack',
    'Slack user token',
    'xoxp-',
    '\\d{8,13}-\\d{8,13}-\\d{8,13}-[a-f0-9]{32}',
  ),
  rule(
    'slack-app-token',
    'Slack',
    'Slack app-level token',
    'xapp-',
    '\\d-[A-Z0-9]{9,11}-\\d{10,13}-[a-f0-9]{64}',
  ),
  rule('slack-config-token', 'Slack', 'Slack configuration token', 'xoxe.xox', `[bp]-\\d-[A-Z0-9]{140,170}`, {
    minEntropy: 3.5,
    keywords: ['xoxe.xoxb-', 'xoxe.xoxp-'],
  }),
  rule(
    'slack-legacy-token',
    'Slack',
    'Slack legacy or workspace token',
    'xox',
    '[aors]-\\d{1,13}(?:-[a-zA-Z0-9]{1,40}){1,3}',
    {
      minEntropy: 3,
      keywords: ['xoxa-', 'xoxo-', 'xoxr-', 'xoxs-'],
    },
  ),
  patternRule(
    { id: 'slack-webhook-url', provider: 'Slack', description: 'Slack incoming webhook URL' },
    ['hooks.slack.com'],
    `hooks\\.slack\\.com/(?:services|workflows|triggers)/(T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{24,})`,
    { minEntropy: 3 },
  ),
  rule('twilio-api-key', 'Twilio', 'Twilio API key SID', 'SK', '[a-f0-9]{32}', {
    minEntropy: 3,
    keywords: ['twilio'],
  }),
  named(
    'twilio-auth-token',
    'Twilio',
    'Twilio auth token',
    ['twilio_auth', 'twilio-auth', 'twilioauth', 'twilio_secret', 'twilio_api_secret'],
    '[a-f0-9]{32}',
  ),
  rule('sendgrid-api-key', 'SendGrid', 'SendGrid API key', 'SG.', `[${urlSafe}]{22}\\.[${urlSafe}]{43}`),
  rule('mailgun-api-key', 'Mailgun', 'Mailgun API key', 'key-', '[a-f0-9]{32}', {
    minEntropy: 3,
    keywords: ['mailgun'],
  }),
  named(
    'mailgun-signing-key',
    'Mailgun',
    'Mailgun API or webhook signing key',
    ['mailgun'],
    '[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}',
  ),
  // The literal `-us` comes first so the engine can skip to it: a pattern that starts with 32
  // hex digits is tried at every offset, and ran at a tenth of the speed.
  patternRule(
    { id: 'mailchimp-api-key', provider: 'Mailchimp', description: 'Mailchimp API key' },
    ['-us'],
    `(-us\\d{1,2})(?![${tokenCharacter}])(?<=(?<![${tokenCharacter}])([a-f0-9]{32})-us\\d{1,2})`,
    { minEntropy: 2.5 },
  ),
  rule(
    'mandrill-api-key',
    'Mandrill',
    'Mailchimp Transactional (Mandrill) API key',
    'md-',
    `[${urlSafe}]{22}`,
    {
      minEntropy: 3.5,
      keywords: ['mandrill'],
    },
  ),
  named('postmark-server-token', 'Postmark', 'Postmark server or account token', ['postmark'], uuid),
  rule('brevo-api-key', 'Brevo', 'Brevo (Sendinblue) API key', 'xkeysib-', '[a-f0-9]{64}-[a-zA-Z0-9]{16}'),
  rule('brevo-smtp-key', 'Brevo', 'Brevo (Sendinblue) SMTP key', 'xsmtpsib-', '[a-f0-9]{64}-[a-zA-Z0-9]{16}'),
  named(
    'mailjet-secret-key',
    'Mailjet',
    'Mailjet API secret key',
    ['mailjet', 'mj_apikey_private'],
    '[a-f0-9]{32}',
  ),
  named('sparkpost-api-key', 'SparkPost', 'SparkPost API key', ['sparkpost'], '[a-f0-9]{40}'),
  patternRule(
    { id: 'discord-bot-token', provider: 'Discord', description: 'Discord bot token' },
    ['discord'],
    `(?<![${tokenCharacter}.-])([MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38})(?![${tokenCharacter}.-])`,
    { minEntropy: 4 },
  ),
  patternRule(
    { id: 'discord-webhook-url', provider: 'Discord', description: 'Discord webhook URL' },
    ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    `discord(?:app)?\\.com/api/webhooks/\\d{17,20}/([${urlSafe}]{60,68})`,
    { minEntropy: 4 },
  ),
  patternRule(
    { id: 'telegram-bot-token', provider: 'Telegram', description: 'Telegram bot token' },
    [':aa'],
    `(?<![${tokenCharacter}:])(\\d{8,10}:AA[${urlSafe}]{33})(?![${tokenCharacter}])`,
    { minEntropy: 3.5 },
  ),
  patternRule(
    {
      id: 'microsoft-teams-webhook',
      provider: 'Microsoft Teams',
      description: 'Microsoft Teams incoming webhook URL',
    },
    ['webhook.office.com'],
    `(https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}(?:/[${urlSafe}]{40,})?)`,
    { allowPlaceholder: true },
  ),
  named('vonage-api-secret', 'Vonage', 'Vonage (Nexmo) API secret', ['vonage', 'nexmo'], `[${base62}]{16}`, {
    minEntropy: 3,
  }),
  named(
    'messagebird-api-key',
    'MessageBird',
    'MessageBird access key',
    ['messagebird', 'message_bird', 'message-bird'],
    `[${base62}]{25}`,
    {
      minEntropy: 3.8,
    },
  ),
  named(
    'pusher-secret',
    'Pusher',
    'Pusher Channels app secret',
    ['pusher_secret', 'pusher_app_secret', 'pusher-secret'],
    '[a-f0-9]{20}',
  ),
  named(
    'intercom-access-token',
    'Intercom',
    'Intercom access token',
    ['intercom'],
    `dG9rO[${urlSafe}]{50,}={0,2}`,
    { minEntropy: 4 },
  ),
  named('zendesk-api-token', 'Zendesk', 'Zendesk API token', ['zendesk'], `[${base62}]{40}`, {
    minEntropy: 4,
  }),
  rule(
    'twitter-bearer-token',
    'X (Twitter)',
    'X (Twitter) app bearer token',
    'AAAAAAAAAAAAAAAAAAAAA',
    // Not followed by base64's `+/=`: zero-filled base64 blobs (fonts, images) start the same way.
    `[A-Za-z0-9%]{30,100}(?![+/=])`,
    {
      // The documented prefix is a run of `A`s, which the placeholder test would reject.
      allowPlaceholder: true,
      check: (token) => looksRandom(token.replace(/^A+/, ''), 4),
      keywords: ['aaaaaaaaaaaaaaaaaaaaa'],
    },
  ),
  named(
    'twitter-api-secret',
    'X (Twitter)',
    'X (Twitter) API key secret',
    ['twitter_api_secret', 'twitter_consumer_secret', 'twitter_secret', 'x_api_secret'],
    `[${base62}]{50}`,
    {
      minEntropy: 4.5,
    },
  ),
  rule('facebook-access-token', 'Meta', 'Facebook / Meta access token', 'EAA', `[CG][${base62}]{80,}`, {
    minEntropy: 4,
    keywords: ['eaac', 'eaag'],
  }),
  named(
    'facebook-app-secret',
    'Meta',
    'Facebook / Meta app secret',
    ['facebook_secret', 'facebook_app_secret', 'fb_secret', 'fb_app_secret', 'meta_app_secret'],
    '[a-f0-9]{32}',
  ),
  named(
    'line-channel-secret',
    'LINE',
    'LINE channel access token',
    ['line_channel', 'line-channel'],
    `[${base62}+/=]{160,}`,
    {
      minEntropy: 4.5,
    },
  ),
  named(
    'zoom-client-secret',
    'Zoom',
    'Zoom app client secret',
    ['zoom_client_secret', 'zoom_api_secret', 'zoom_secret'],
    `[${base62}]{32}`,
    {
      minEntropy: 4,
    },
  ),
  named(
    'mattermost-token',
    'Mattermost',
    'Mattermost personal access token',
    ['mattermost'],
    '[a-z0-9]{26}',
    { minEntropy: 4 },
  ),
  rule('onesignal-api-key', 'OneSignal', 'OneSignal REST API key', 'os_v2_app_', '[a-z2-7]{100,}', {
    minEntropy: 4,
  }),
];
