/**
 * Rules for hosting, serverless and backend platforms: deploy tokens and database passwords
 * of the services an app runs on. Formats from each provider's documentation.
 */
import { type CredentialRule, namedRule, tokenRule } from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const hex = 'a-fA-F0-9';

/** Hosting, serverless and backend platforms. */
export const platformRules: readonly CredentialRule[] = [
  tokenRule('fly-io-token', 'Fly.io', 'Fly.io access token', 'fo1_', `[${urlSafe}]{43}`),
  tokenRule('fly-io-macaroon', 'Fly.io', 'Fly.io macaroon token', 'FlyV1 fm', `[12]_[A-Za-z0-9+/=_-]{100,}`, {
    minEntropy: 4,
    keywords: ['flyv1 fm'],
  }),
  // The same macaroons without the `FlyV1 ` scheme, as FLY_API_TOKEN often holds them.
  tokenRule(
    'fly-io-bare-macaroon',
    'Fly.io',
    'Fly.io macaroon token without the FlyV1 scheme',
    'fm',
    '(?:1[ar]|2)_[A-Za-z0-9+/]{100,}={0,3}',
    {
      minEntropy: 4,
      keywords: ['fm1a_', 'fm1r_', 'fm2_'],
    },
  ),
  tokenRule(
    'clickhouse-cloud-api-secret',
    'ClickHouse',
    'ClickHouse Cloud API key secret',
    '4b1d',
    `[${base62}]{38}`,
    {
      // Mixed case: a hex digest that happens to start with 4b1d is not one.
      minEntropy: 4,
      check: (secret) => /[A-Z]/.test(secret) && /[a-z]/.test(secret),
    },
  ),
  namedRule('vercel-token', 'Vercel', 'Vercel access token', ['vercel'], `[${base62}]{24}`, {
    minEntropy: 3.8,
  }),
  tokenRule('vercel-prefixed-token', 'Vercel', 'Vercel access token', 'vc', `[pkria]_[${base62}]{40,}`, {
    minEntropy: 3.8,
    keywords: ['vcp_', 'vck_', 'vci_', 'vca_', 'vcr_'],
  }),
  tokenRule('netlify-token', 'Netlify', 'Netlify personal access token', 'nfp_', `[${base62}]{36}`),
  namedRule(
    'netlify-legacy-token',
    'Netlify',
    'Netlify access token (legacy)',
    ['netlify'],
    `[${urlSafe}]{43,45}`,
    { minEntropy: 4 },
  ),
  tokenRule('render-api-key', 'Render', 'Render API key', 'rnd_', `[${base62}]{32}`),
  namedRule(
    'railway-token',
    'Railway',
    'Railway API token',
    ['railway'],
    `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`,
  ),
  tokenRule('supabase-access-token', 'Supabase', 'Supabase personal access token', 'sbp_', '[a-f0-9]{40}'),
  tokenRule('supabase-secret-key', 'Supabase', 'Supabase secret API key', 'sb_secret_', `[${urlSafe}]{31,}`),
  tokenRule(
    'planetscale-token',
    'PlanetScale',
    'PlanetScale service token',
    'pscale_tkn_',
    `[${urlSafe}.]{32,64}`,
  ),
  tokenRule(
    'planetscale-password',
    'PlanetScale',
    'PlanetScale database password',
    'pscale_pw_',
    `[${urlSafe}.]{32,64}`,
  ),
  tokenRule(
    'planetscale-oauth-token',
    'PlanetScale',
    'PlanetScale OAuth token',
    'pscale_oauth_',
    `[${urlSafe}.]{32,64}`,
  ),
  tokenRule('neon-api-key', 'Neon', 'Neon API key', 'napi_', '[a-z0-9]{64}', { minEntropy: 3.5 }),
  tokenRule('deno-deploy-token', 'Deno Deploy', 'Deno Deploy access token', 'dd', `[pw]_[${base62}]{36}`, {
    minEntropy: 3.5,
    keywords: ['ddp_', 'ddw_'],
  }),
  namedRule('upstash-redis-token', 'Upstash', 'Upstash REST token', ['upstash'], `A[${urlSafe}]{40,}=?`, {
    minEntropy: 4,
  }),
  tokenRule(
    'kubernetes-service-token',
    'Kubernetes',
    'Kubernetes bootstrap token',
    '',
    '[a-z0-9]{6}\\.[a-z0-9]{16}',
    {
      minEntropy: 3.2,
      keywords: ['token-id', 'bootstrap-token', 'kubeadm'],
    },
  ),
  tokenRule('rancher-token', 'Rancher', 'Rancher API token', 'token-', '[a-z0-9]{5}:[a-z0-9]{54}', {
    minEntropy: 3.5,
  }),
  tokenRule('dynatrace-token', 'Dynatrace', 'Dynatrace API token', 'dt0c01.', '[A-Z0-9]{24}\\.[A-Z0-9]{64}', {
    minEntropy: 3.5,
  }),
  // `oc whoami -t`: OAuth access tokens are `sha256~` and 43 base64url characters.
  tokenRule('openshift-token', 'OpenShift', 'OpenShift OAuth access token', 'sha256~', `[${urlSafe}]{43}`, {
    minEntropy: 3.8,
  }),
  tokenRule('scalingo-api-token', 'Scalingo', 'Scalingo API token', 'tk-', `(?:us|eu)-[${urlSafe}]{48}`, {
    minEntropy: 3.5,
    keywords: ['tk-us-', 'tk-eu-'],
  }),
  namedRule(
    'ngrok-token',
    'ngrok',
    'ngrok authtoken or API key',
    ['ngrok'],
    `[${base62}]{25,28}_[${base62}]{18,24}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('fastly-api-token', 'Fastly', 'Fastly API token', ['fastly'], `[${urlSafe}]{32}`, {
    minEntropy: 3.8,
  }),
  tokenRule('zuplo-api-key', 'Zuplo', 'Zuplo API key', 'zpka_', `[${base62}]{32,64}_[${base62}]{8}`, {
    minEntropy: 3.5,
  }),
  tokenRule('xata-api-key', 'Xata', 'Xata API key', 'xau_', `[${base62}]{32,64}`, { minEntropy: 4 }),
  tokenRule(
    'liveblocks-secret-key',
    'Liveblocks',
    'Liveblocks secret key',
    'sk_',
    `(?:prod|dev)_[${urlSafe}]{40,80}`,
    {
      minEntropy: 4,
      keywords: ['sk_prod_', 'sk_dev_'],
    },
  ),
];
