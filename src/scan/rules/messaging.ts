/**
 * Rules for messaging, e-mail and notifications: keys that send mail, chat messages or pushes
 * as the company. Formats from each provider's API documentation.
 */
import {
  type CredentialRule,
  looksRandom,
  namedRule,
  patternRule,
  tokenCharacter,
  tokenRule,
} from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const hex = 'a-fA-F0-9';
const uuid = `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`;

/** Messaging, e-mail and notifications. */
export const messagingRules: readonly CredentialRule[] = [
  tokenRule('slack-bot-token', 'Slack', 'Slack bot token', 'xoxb-', '\\d{8,13}-\\d{8,13}-[a-zA-Z0-9]{24}'),
  tokenRule(
    'slack-user-token',
    'Slack',
    'Slack user token',
    'xoxp-',
    '\\d{8,13}-\\d{8,13}-\\d{8,13}-[a-f0-9]{32}',
  ),
  tokenRule(
    'slack-app-token',
    'Slack',
    'Slack app-level token',
    'xapp-',
    '\\d-[A-Z0-9]{9,11}-\\d{10,13}-[a-f0-9]{64}',
  ),
  tokenRule(
    'slack-config-token',
    'Slack',
    'Slack configuration token',
    'xoxe.xox',
    `[bp]-\\d-[A-Z0-9]{140,170}`,
    {
      minEntropy: 3.5,
      keywords: ['xoxe.xoxb-', 'xoxe.xoxp-'],
    },
  ),
  // Bot tokens of classic Slack apps: one number, then the secret (no second number).
  tokenRule(
    'slack-legacy-bot-token',
    'Slack',
    'Slack legacy bot token',
    'xoxb-',
    '\\d{8,14}-[a-zA-Z0-9]{18,26}',
  ),
  tokenRule(
    'slack-config-refresh-token',
    'Slack',
    'Slack configuration refresh token',
    'xoxe-',
    '\\d-[A-Z0-9]{140,160}',
    { minEntropy: 3.5 },
  ),
  tokenRule(
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
  tokenRule('twilio-api-key', 'Twilio', 'Twilio API key SID', 'SK', '[a-f0-9]{32}', {
    minEntropy: 3,
    keywords: ['twilio'],
  }),
  namedRule(
    'twilio-auth-token',
    'Twilio',
    'Twilio auth token',
    ['twilio_auth', 'twilio-auth', 'twilioauth', 'twilio_secret', 'twilio_api_secret'],
    '[a-f0-9]{32}',
  ),
  tokenRule('sendgrid-api-key', 'SendGrid', 'SendGrid API key', 'SG.', `[${urlSafe}]{22}\\.[${urlSafe}]{43}`),
  tokenRule('mailgun-api-key', 'Mailgun', 'Mailgun API key', 'key-', '[a-f0-9]{32}', {
    minEntropy: 3,
    keywords: ['mailgun'],
  }),
  namedRule(
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
  tokenRule(
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
  namedRule('postmark-server-token', 'Postmark', 'Postmark server or account token', ['postmark'], uuid),
  tokenRule(
    'brevo-api-key',
    'Brevo',
    'Brevo (Sendinblue) API key',
    'xkeysib-',
    '[a-f0-9]{64}-[a-zA-Z0-9]{16}',
  ),
  tokenRule(
    'brevo-smtp-key',
    'Brevo',
    'Brevo (Sendinblue) SMTP key',
    'xsmtpsib-',
    '[a-f0-9]{64}-[a-zA-Z0-9]{16}',
  ),
  namedRule(
    'mailjet-secret-key',
    'Mailjet',
    'Mailjet API secret key',
    ['mailjet', 'mj_apikey_private'],
    '[a-f0-9]{32}',
  ),
  namedRule('sparkpost-api-key', 'SparkPost', 'SparkPost API key', ['sparkpost'], '[a-f0-9]{40}'),
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
  // Teams' replacement for connectors: a Power Automate (Logic Apps) trigger URL, whose `sig`
  // alone lets anyone post to the channel.
  patternRule(
    {
      id: 'microsoft-teams-workflow-url',
      provider: 'Microsoft Teams',
      description: 'Teams workflow (Power Automate) webhook URL with its signature',
    },
    ['/triggers/manual/paths/invoke'],
    `/triggers/manual/paths/invoke\\?[^\\s"'<>]{0,200}?[?&]sig=([${urlSafe}%]{43,})`,
    { minEntropy: 4 },
  ),
  namedRule(
    'vonage-api-secret',
    'Vonage',
    'Vonage (Nexmo) API secret',
    ['vonage', 'nexmo'],
    `[${base62}]{16}`,
    {
      minEntropy: 3,
    },
  ),
  namedRule(
    'messagebird-api-key',
    'MessageBird',
    'MessageBird access key',
    ['messagebird', 'message_bird', 'message-bird'],
    `[${base62}]{25}`,
    {
      minEntropy: 3.8,
    },
  ),
  namedRule(
    'pusher-secret',
    'Pusher',
    'Pusher Channels app secret',
    ['pusher_secret', 'pusher_app_secret', 'pusher-secret'],
    '[a-f0-9]{20}',
  ),
  namedRule(
    'intercom-access-token',
    'Intercom',
    'Intercom access token',
    ['intercom'],
    `dG9rO[${urlSafe}]{50,}={0,2}`,
    { minEntropy: 4 },
  ),
  namedRule('zendesk-api-token', 'Zendesk', 'Zendesk API token', ['zendesk'], `[${base62}]{40}`, {
    minEntropy: 4,
  }),
  tokenRule(
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
  namedRule(
    'twitter-api-secret',
    'X (Twitter)',
    'X (Twitter) API key secret',
    ['twitter_api_secret', 'twitter_consumer_secret', 'twitter_secret', 'x_api_secret'],
    `[${base62}]{50}`,
    {
      minEntropy: 4.5,
    },
  ),
  tokenRule('facebook-access-token', 'Meta', 'Facebook / Meta access token', 'EAA', `[CG][${base62}]{80,}`, {
    minEntropy: 4,
    keywords: ['eaac', 'eaag'],
  }),
  namedRule(
    'facebook-app-secret',
    'Meta',
    'Facebook / Meta app secret',
    ['facebook_secret', 'facebook_app_secret', 'fb_secret', 'fb_app_secret', 'meta_app_secret'],
    '[a-f0-9]{32}',
  ),
  namedRule(
    'line-channel-secret',
    'LINE',
    'LINE channel access token',
    ['line_channel', 'line-channel'],
    `[${base62}+/=]{160,}`,
    {
      minEntropy: 4.5,
    },
  ),
  namedRule(
    'zoom-client-secret',
    'Zoom',
    'Zoom app client secret',
    ['zoom_client_secret', 'zoom_api_secret', 'zoom_secret'],
    `[${base62}]{32}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule(
    'mattermost-token',
    'Mattermost',
    'Mattermost personal access token',
    ['mattermost'],
    '[a-z0-9]{26}',
    { minEntropy: 4 },
  ),
  tokenRule('onesignal-api-key', 'OneSignal', 'OneSignal REST API key', 'os_v2_app_', '[a-z2-7]{100,}', {
    minEntropy: 4,
  }),
  namedRule(
    'sendbird-access-token',
    'Sendbird',
    'Sendbird API or access token',
    ['sendbird'],
    `[${hex}]{40}`,
  ),
  namedRule('sendbird-app-id', 'Sendbird', 'Sendbird application ID', ['sendbird'], uuid),
  namedRule('beamer-api-key', 'Beamer', 'Beamer API key', ['beamer'], `b_[${urlSafe}=]{44}`, {
    minEntropy: 4,
  }),
  // PubNub secret keys are `sec-c-` and base64; publish keys `pub-c-` and a UUID.
  tokenRule('pubnub-secret-key', 'PubNub', 'PubNub secret key', 'sec-c-', '[A-Za-z0-9+/]{40,64}={0,2}', {
    minEntropy: 3.5,
  }),
  tokenRule('pubnub-publish-key', 'PubNub', 'PubNub publish key', 'pub-c-', uuid),
  // app id, key id, then the secret: `appId.keyId:secret`.
  namedRule(
    'ably-api-key',
    'Ably',
    'Ably API key',
    // Not `ably` alone: it is in every `probably`.
    ['ably_api', 'ably_key', 'ably-api', 'ably-key', 'ablykey', 'ably_root', 'ably_secret'],
    `[${urlSafe}]{6}\\.[${urlSafe}]{6}:[${urlSafe}]{43}`,
    { minEntropy: 4 },
  ),
  // `re_` alone occurs in most source files (`are_`, `ignore_`): the rule runs only where the
  // text names Resend (`RESEND_API_KEY`, `new Resend(...)`), which keeps scans as fast as before.
  tokenRule('resend-api-key', 'Resend', 'Resend API key', 're_', `[${base62}]{8}_[${base62}]{24}`, {
    minEntropy: 3.5,
    keywords: ['resend'],
  }),
  tokenRule('mailersend-api-token', 'MailerSend', 'MailerSend API token', 'mlsn.', `[${base62}]{60,80}`, {
    minEntropy: 3.5,
  }),
];
