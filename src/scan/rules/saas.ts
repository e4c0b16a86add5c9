/**
 * Rules for developer and business SaaS: observability, productivity, identity, content and
 * analytics services. Formats from each provider's API documentation.
 */
import { type CredentialRule, namedRule, patternRule, tokenRule } from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const hex = 'a-fA-F0-9';
const uuid = `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`;

/** Monitoring, logging and incident response. */
export const observabilityRules: readonly CredentialRule[] = [
  namedRule('sumologic-access-key', 'Sumo Logic', 'Sumo Logic access key', ['sumo'], `[${base62}]{64}`, {
    minEntropy: 4,
  }),
  // An HTTP source's URL is its only credential: whoever has it can send logs.
  patternRule(
    { id: 'sumologic-http-source-url', provider: 'Sumo Logic', description: 'Sumo Logic HTTP source URL' },
    ['sumologic.com/receiver/'],
    `\\.sumologic\\.com/receiver/v1/(?:http|otlp)/([A-Za-z0-9+/_=-]{50,})`,
    { minEntropy: 4 },
  ),
  tokenRule('sentry-user-token', 'Sentry', 'Sentry user auth token', 'sntryu_', '[a-f0-9]{64}'),
  tokenRule(
    'sentry-org-token',
    'Sentry',
    'Sentry organization auth token',
    'sntrys_',
    `eyJ[${urlSafe}+/=]{60,}_[${urlSafe}+/=]{40,}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule(
    'datadog-api-key',
    'Datadog',
    'Datadog API key',
    ['datadog', 'dd_api_key', 'dd-api-key'],
    '[a-f0-9]{32}',
  ),
  namedRule(
    'datadog-app-key',
    'Datadog',
    'Datadog application key',
    ['dd_app_key', 'dd_application_key', 'datadog_app', 'dd-application-key'],
    '[a-f0-9]{40}',
  ),
  tokenRule('new-relic-user-key', 'New Relic', 'New Relic user API key', 'NRAK-', '[A-Z0-9]{27}'),
  tokenRule(
    'new-relic-insights-key',
    'New Relic',
    'New Relic Insights insert key',
    'NRII-',
    `[${urlSafe}]{32}`,
  ),
  tokenRule('new-relic-browser-key', 'New Relic', 'New Relic browser API key', 'NRJS-', '[a-f0-9]{19}'),
  namedRule(
    'new-relic-license-key',
    'New Relic',
    'New Relic ingest license key',
    ['new_relic_license', 'newrelic_license', 'nr_license'],
    '(?:[a-z]{2}\\d{2}xx)?[a-f0-9]{36,40}(?:NRAL)?',
  ),
  namedRule(
    'pagerduty-api-key',
    'PagerDuty',
    'PagerDuty REST API key',
    ['pagerduty'],
    `u\\+[${urlSafe}]{18}|[${urlSafe}]{20}`,
    {
      minEntropy: 3.5,
    },
  ),
  tokenRule(
    'grafana-cloud-token',
    'Grafana',
    'Grafana Cloud access policy token',
    'glc_',
    `eyJ[${base62}+/=]{60,}`,
    { minEntropy: 4 },
  ),
  tokenRule(
    'grafana-service-account-token',
    'Grafana',
    'Grafana service account token',
    'glsa_',
    '[A-Za-z0-9]{32}_[a-f0-9]{8}',
  ),
  namedRule(
    'honeycomb-api-key',
    'Honeycomb',
    'Honeycomb API key',
    ['honeycomb'],
    `hc[a-z]{2}[a-z]_[a-z0-9]{58}|[${base62}]{22}`,
    {
      minEntropy: 3.4,
    },
  ),
  namedRule('splunk-hec-token', 'Splunk', 'Splunk HTTP Event Collector token', ['splunk'], uuid),
  namedRule(
    'logtail-source-token',
    'Better Stack',
    'Better Stack (Logtail) source token',
    ['logtail', 'betterstack', 'better_stack'],
    `[${base62}]{24}`,
    {
      minEntropy: 3.8,
    },
  ),
  namedRule('rollbar-access-token', 'Rollbar', 'Rollbar access token', ['rollbar'], '[a-f0-9]{32}'),
  namedRule('bugsnag-api-key', 'Bugsnag', 'Bugsnag API key', ['bugsnag'], '[a-f0-9]{32}'),
  namedRule('opsgenie-api-key', 'Opsgenie', 'Opsgenie API key', ['opsgenie'], uuid),
  namedRule('statuspage-api-key', 'Statuspage', 'Atlassian Statuspage API key', ['statuspage'], uuid),
  tokenRule('axiom-api-token', 'Axiom', 'Axiom API or personal token', 'xa', `(?:at|pt)-${uuid}`, {
    minEntropy: 3,
    keywords: ['xaat-', 'xapt-'],
  }),
  // Grafana's API keys (replaced by service account tokens) are base64 of `{"k":"...","n":...}`.
  tokenRule(
    'grafana-api-key',
    'Grafana',
    'Grafana API key (legacy)',
    'eyJrIjoi',
    '[A-Za-z0-9+/]{50,400}={0,2}',
    {
      minEntropy: 4,
    },
  ),
  // Not `sentry` alone: case-blind, it is in every `hasEntry`.
  namedRule(
    'sentry-access-token',
    'Sentry',
    'Sentry auth token (legacy)',
    ['sentry_', 'sentry-', 'sentryauth', 'sentrytoken'],
    '[a-f0-9]{64}',
  ),
  // Only the secret key: the API key ships in every web page that sends events.
  namedRule(
    'amplitude-secret-key',
    'Amplitude',
    'Amplitude secret key',
    ['amplitude_secret', 'amplitude_api_secret', 'amplitude-secret', 'amplitudesecret'],
    '[a-f0-9]{32}',
  ),
  // Personal API keys only: `phc_` project keys are public by design.
  tokenRule('posthog-personal-api-key', 'PostHog', 'PostHog personal API key', 'phx_', `[${base62}]{40,50}`, {
    minEntropy: 4,
  }),
];

/** Productivity, project management and content. */
export const productivityRules: readonly CredentialRule[] = [
  tokenRule(
    'atlassian-api-token',
    'Atlassian',
    'Atlassian (Jira, Confluence) API token',
    'ATATT3',
    `[${urlSafe}=]{150,300}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('jira-api-token', 'Jira', 'Jira API token (legacy)', ['jira'], `[${base62}]{24}`, {
    minEntropy: 3.8,
  }),
  tokenRule('linear-api-key', 'Linear', 'Linear API key', 'lin_api_', `[${base62}]{40}`, { minEntropy: 3.8 }),
  tokenRule('linear-oauth-token', 'Linear', 'Linear OAuth access token', 'lin_oauth_', `[a-f0-9]{64}`),
  tokenRule('notion-integration-token', 'Notion', 'Notion integration token', 'ntn_', `[${base62}]{46}`, {
    minEntropy: 3.8,
  }),
  tokenRule(
    'notion-legacy-token',
    'Notion',
    'Notion integration token (legacy)',
    'secret_',
    `[${base62}]{43}`,
    {
      minEntropy: 4,
      keywords: ['notion'],
    },
  ),
  tokenRule(
    'airtable-pat',
    'Airtable',
    'Airtable personal access token',
    'pat',
    `[${base62}]{14}\\.[a-f0-9]{64}`,
    { minEntropy: 3.5 },
  ),
  namedRule('airtable-api-key', 'Airtable', 'Airtable API key (legacy)', ['airtable'], `key[${base62}]{14}`, {
    minEntropy: 3.5,
  }),
  tokenRule('figma-pat', 'Figma', 'Figma personal access token', 'figd_', `[${urlSafe}]{40}`, {
    minEntropy: 3.8,
  }),
  namedRule(
    'asana-pat',
    'Asana',
    'Asana personal access token',
    ['asana'],
    `[12]/\\d{10,16}(?:/\\d{10,16})?:[a-f0-9]{32}`,
  ),
  namedRule('trello-api-token', 'Trello', 'Trello API token', ['trello'], `(?:ATTA)?[a-f0-9]{64}`),
  namedRule(
    'monday-api-token',
    'monday.com',
    'monday.com API token',
    ['monday'],
    `eyJ[${urlSafe}]{20,}\\.eyJ[${urlSafe}]{40,}\\.[${urlSafe}]{20,}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule('clickup-api-token', 'ClickUp', 'ClickUp personal API token', 'pk_', `\\d{6,10}_[A-Z0-9]{32}`),
  tokenRule(
    'dropbox-access-token',
    'Dropbox',
    'Dropbox short-lived access token',
    'sl.',
    `[${urlSafe}]{130,}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule(
    'dropbox-long-lived-token',
    'Dropbox',
    'Dropbox long-lived access token',
    ['dropbox'],
    `[${urlSafe}]{11}AAAAAAAAAA[${urlSafe}]{43}`,
    {
      allowPlaceholder: true,
      minEntropy: 3.5,
    },
  ),
  namedRule(
    'box-api-token',
    'Box',
    'Box developer token',
    ['box_developer_token', 'box_client_secret'],
    `[${base62}]{32}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule(
    'contentful-pat',
    'Contentful',
    'Contentful personal access token',
    'CFPAT-',
    `[${urlSafe}]{43}`,
    {
      minEntropy: 3.8,
    },
  ),
  tokenRule(
    'typeform-pat',
    'Typeform',
    'Typeform personal access token',
    'tfp_',
    `[${urlSafe}]{44}_[${urlSafe}]{14}`,
    { minEntropy: 3.8 },
  ),
  tokenRule('frameio-token', 'Frame.io', 'Frame.io developer token', 'fio-u-', `[${urlSafe}=]{64}`, {
    minEntropy: 3.8,
  }),
  tokenRule(
    'hubspot-private-app-token',
    'HubSpot',
    'HubSpot private app token',
    'pat-',
    `(?:na|eu|ap)\\d-${uuid}`,
  ),
  tokenRule(
    'mapbox-secret-token',
    'Mapbox',
    'Mapbox secret access token',
    'sk.eyJ',
    `[${urlSafe}]{50,}\\.[${urlSafe}]{22}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('algolia-admin-key', 'Algolia', 'Algolia admin or write API key', ['algolia'], '[a-f0-9]{32}'),
  namedRule(
    'twitch-client-secret',
    'Twitch',
    'Twitch client secret or OAuth token',
    ['twitch'],
    '[a-z0-9]{30}',
    {
      minEntropy: 3.8,
    },
  ),
  // Chat (IRC) clients take the OAuth token as their password in this form.
  tokenRule(
    'twitch-oauth-token',
    'Twitch',
    'Twitch OAuth token (chat password form)',
    'oauth:',
    '[a-z0-9]{30}',
    {
      minEntropy: 3.5,
    },
  ),
  tokenRule(
    'maxmind-license-key',
    'MaxMind',
    'MaxMind license key',
    '',
    `[${base62}]{6}_[${base62}]{29}_mmk`,
    {
      minEntropy: 3.5,
      keywords: ['_mmk'],
    },
  ),
  namedRule(
    'maxmind-legacy-license-key',
    'MaxMind',
    'MaxMind license key (legacy)',
    ['maxmind_license', 'maxmind-license', 'geoipupdate_license', 'geoip_license'],
    `[${base62}]{16}`,
  ),
  namedRule('okta-api-token', 'Okta', 'Okta API token', ['okta'], `00[${urlSafe}]{40}`, { minEntropy: 3.8 }),
  namedRule('auth0-client-secret', 'Auth0', 'Auth0 client secret', ['auth0'], `[${urlSafe}]{64}`, {
    minEntropy: 4.5,
  }),
  tokenRule('launchdarkly-api-key', 'LaunchDarkly', 'LaunchDarkly access or SDK key', 'api-', uuid, {
    minEntropy: 3,
    keywords: ['launchdarkly'],
  }),
  namedRule(
    'segment-write-key',
    'Segment',
    'Segment write key',
    ['segment_write_key', 'segment-write-key', 'segmentwritekey'],
    `[${base62}]{32}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('mixpanel-api-secret', 'Mixpanel', 'Mixpanel API secret', ['mixpanel'], '[a-f0-9]{32}'),
  namedRule(
    'salesforce-access-token',
    'Salesforce',
    'Salesforce access token',
    ['salesforce', 'sfdc'],
    `00D[${base62}]{12,15}![${base62}._]{80,}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('bitly-access-token', 'Bitly', 'Bitly generic access token', ['bitly'], '[a-f0-9]{40}'),
  namedRule('snyk-api-token', 'Snyk', 'Snyk API token', ['snyk'], uuid),
  namedRule('lokalise-api-token', 'Lokalise', 'Lokalise API token', ['lokalise'], '[a-f0-9]{40}'),
  namedRule('crowdin-pat', 'Crowdin', 'Crowdin personal access token', ['crowdin'], '[a-f0-9]{80}'),
  patternRule(
    { id: 'zapier-webhook-url', provider: 'Zapier', description: 'Zapier webhook URL' },
    ['hooks.zapier.com'],
    'hooks\\.zapier\\.com/hooks/catch/(\\d{5,10}/[a-z0-9]{6,8})/?',
    { minEntropy: 2.5 },
  ),
  namedRule('freshdesk-api-key', 'Freshdesk', 'Freshdesk API key', ['freshdesk'], `[${base62}]{20}`, {
    minEntropy: 3.4,
  }),
  namedRule(
    'calendly-token',
    'Calendly',
    'Calendly personal access token',
    ['calendly'],
    `eyJ[${urlSafe}]{20,}\\.eyJ[${urlSafe}]{40,}\\.[${urlSafe}]{20,}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('docusign-secret', 'DocuSign', 'DocuSign integration secret', ['docusign'], uuid),
  // Adafruit IO keys are `aio_` and 28 characters; older ones had no prefix.
  tokenRule('adafruit-io-key', 'Adafruit', 'Adafruit IO key', 'aio_', `[${base62}]{28}`, { minEntropy: 3.5 }),
  namedRule('adafruit-api-key', 'Adafruit', 'Adafruit IO key (legacy)', ['adafruit'], `[${urlSafe}]{32}`, {
    minEntropy: 3.5,
  }),
  tokenRule(
    'adobe-client-secret',
    'Adobe',
    'Adobe Developer Console client secret',
    'p8e-',
    `[${urlSafe}]{32}`,
    {
      minEntropy: 3.5,
    },
  ),
  // Not `adobe` alone: it is in the metadata of every PDF, image and font.
  namedRule(
    'adobe-client-id',
    'Adobe',
    'Adobe Developer Console client ID',
    ['adobe_', 'adobe-', 'adobeclient', 'adobeapi', 'adobeid', 'adobekey', 'adobetoken'],
    '[a-f0-9]{32}',
  ),
  // Service client access keys: client id, key id, account, then the base64 private key.
  tokenRule(
    'authress-access-key',
    'Authress',
    'Authress service client access key',
    '',
    `(?:sc|ext|scauth|authress)_[${base62}]{5,30}\\.[${base62}]{4,6}\\.acc[_-][a-z0-9-]{10,32}\\.[${urlSafe}+/=]{30,120}`,
    { minEntropy: 4, keywords: ['.acc_', '.acc-'] },
  ),
  namedRule('finnhub-api-key', 'Finnhub', 'Finnhub API key', ['finnhub'], '[a-z0-9]{20}', {
    minEntropy: 3.2,
  }),
  namedRule('flickr-api-key', 'Flickr', 'Flickr API key or secret', ['flickr'], '[a-z0-9]{32}'),
  namedRule(
    'linkedin-client-secret',
    'LinkedIn',
    'LinkedIn client secret',
    ['linkedin', 'linked_in', 'linked-in'],
    `[${base62}]{16}`,
    { minEntropy: 3.3 },
  ),
  namedRule(
    'linkedin-client-id',
    'LinkedIn',
    'LinkedIn client ID',
    ['linkedin', 'linked_in', 'linked-in'],
    '[a-z0-9]{14}',
    { minEntropy: 3 },
  ),
  namedRule(
    'nytimes-api-key',
    'The New York Times',
    'New York Times API key',
    ['nytimes', 'new_york_times', 'new-york-times', 'newyorktimes'],
    `[${urlSafe}=]{32}`,
    { minEntropy: 3.5 },
  ),
  namedRule('rapidapi-key', 'RapidAPI', 'RapidAPI application key', ['rapidapi'], `[${urlSafe}]{50}`, {
    minEntropy: 3.8,
  }),
  namedRule('hubspot-api-key', 'HubSpot', 'HubSpot API key (legacy hapikey)', ['hubspot', 'hapikey'], uuid),
  // 42's intranet API (Intra): `s-s4t2ud-` (user) or `s-s4t2af-` (application) secrets.
  tokenRule(
    'intra42-client-secret',
    '42 Intra',
    '42 Intra API client secret',
    's-s4t2',
    '(?:ud|af)-[a-f0-9]{64}',
    {
      minEntropy: 3,
      keywords: ['s-s4t2ud-', 's-s4t2af-'],
    },
  ),
  namedRule('shodan-api-key', 'Shodan', 'Shodan API key', ['shodan'], `[${base62}]{32}`, { minEntropy: 3.8 }),
  namedRule(
    'browserstack-access-key',
    'BrowserStack',
    'BrowserStack access key',
    ['browserstack'],
    `[${base62}]{20}`,
    {
      minEntropy: 3.4,
    },
  ),
  namedRule('gitter-access-token', 'Gitter', 'Gitter access token', ['gitter'], '[a-z0-9_-]{40}'),
  namedRule('meraki-api-key', 'Cisco Meraki', 'Cisco Meraki Dashboard API key', ['meraki'], '[a-f0-9]{40}'),
  tokenRule('apify-api-token', 'Apify', 'Apify API token', 'apify_api_', `[${base62}]{36}`, {
    minEntropy: 4,
  }),
];
