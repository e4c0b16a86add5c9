/**
 * Rules for payments, messaging and business SaaS: keys that move money, send mail or messages
 * as the company, or read its customer data. Formats from each provider's API documentation.
 */
import { type CredentialRule, namedRule, tokenRule } from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const hex = 'a-fA-F0-9';
const uuid = `[${hex}]{8}-[${hex}]{4}-[${hex}]{4}-[${hex}]{4}-[${hex}]{12}`;

/** Payments and commerce. */
export const paymentRules: readonly CredentialRule[] = [
  tokenRule('stripe-live-secret-key', 'Stripe', 'Stripe live secret key', 'sk_live_', `[${base62}]{24,247}`, {
    minEntropy: 3.5,
  }),
  tokenRule('stripe-test-secret-key', 'Stripe', 'Stripe test secret key', 'sk_test_', `[${base62}]{24,247}`, {
    minEntropy: 3.5,
  }),
  tokenRule(
    'stripe-live-restricted-key',
    'Stripe',
    'Stripe live restricted key',
    'rk_live_',
    `[${base62}]{24,247}`,
    {
      minEntropy: 3.5,
    },
  ),
  tokenRule(
    'stripe-test-restricted-key',
    'Stripe',
    'Stripe test restricted key',
    'rk_test_',
    `[${base62}]{24,247}`,
    {
      minEntropy: 3.5,
    },
  ),
  tokenRule(
    'stripe-webhook-secret',
    'Stripe',
    'Stripe webhook signing secret',
    'whsec_',
    `[${base62}+/=]{32,}`,
    {
      minEntropy: 3.5,
    },
  ),
  tokenRule('square-access-token', 'Square', 'Square access token', 'EAAA', `[${urlSafe}]{60}`, {
    minEntropy: 4,
  }),
  tokenRule(
    'square-legacy-access-token',
    'Square',
    'Square access token (legacy)',
    'sq0atp-',
    `[${urlSafe}]{22}`,
  ),
  tokenRule(
    'square-oauth-secret',
    'Square',
    'Square OAuth application secret',
    'sq0csp-',
    `[${urlSafe}]{43}`,
  ),
  tokenRule(
    'braintree-access-token',
    'Braintree',
    'PayPal Braintree access token',
    'access_token$production$',
    '[a-z0-9]{16}\\$[a-f0-9]{32}',
  ),
  namedRule('paypal-client-secret', 'PayPal', 'PayPal REST client secret', ['paypal'], `E[${urlSafe}]{79}`, {
    minEntropy: 4,
  }),
  tokenRule('adyen-api-key', 'Adyen', 'Adyen API key', 'AQE', `[a-zA-Z0-9]{3}[${urlSafe}+/=.]{100,}`, {
    minEntropy: 4.5,
    keywords: ['aqe'],
  }),
  tokenRule('shopify-access-token', 'Shopify', 'Shopify Admin API access token', 'shpat_', '[a-fA-F0-9]{32}'),
  tokenRule(
    'shopify-custom-app-token',
    'Shopify',
    'Shopify custom app access token',
    'shpca_',
    '[a-fA-F0-9]{32}',
  ),
  tokenRule(
    'shopify-private-app-token',
    'Shopify',
    'Shopify private app password',
    'shppa_',
    '[a-fA-F0-9]{32}',
  ),
  tokenRule('shopify-shared-secret', 'Shopify', 'Shopify app shared secret', 'shpss_', '[a-fA-F0-9]{32}'),
  tokenRule('razorpay-key-id', 'Razorpay', 'Razorpay live key ID', 'rzp_live_', `[${base62}]{14}`),
  namedRule('razorpay-key-secret', 'Razorpay', 'Razorpay key secret', ['razorpay'], `[${base62}]{24}`, {
    minEntropy: 3.8,
  }),
  tokenRule(
    'flutterwave-secret-key',
    'Flutterwave',
    'Flutterwave secret key',
    'FLWSECK',
    '(?:_TEST)?-[a-h0-9]{32}-X',
  ),
  tokenRule(
    'flutterwave-encryption-key',
    'Flutterwave',
    'Flutterwave encryption key',
    'FLWSECK_TEST',
    '[a-h0-9]{12}',
    {
      minEntropy: 2.8,
    },
  ),
  namedRule('mollie-api-key', 'Mollie', 'Mollie API key', ['mollie'], `(?:live|test)_[${base62}]{30}`, {
    minEntropy: 3.5,
  }),
  namedRule(
    'gocardless-access-token',
    'GoCardless',
    'GoCardless access token',
    ['gocardless'],
    `live_[${urlSafe}=]{40}`,
    {
      minEntropy: 3.8,
    },
  ),
  tokenRule(
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
  namedRule('plaid-secret', 'Plaid', 'Plaid API secret', ['plaid_secret', 'plaid-secret'], '[a-f0-9]{30}'),
  namedRule('coinbase-api-secret', 'Coinbase', 'Coinbase API secret', ['coinbase'], `[${base62}]{32}`, {
    minEntropy: 4,
  }),
  tokenRule('easypost-api-key', 'EasyPost', 'EasyPost API key', 'EZ', `[AT]K[a-zA-Z0-9]{54}`, {
    minEntropy: 4,
    keywords: ['ezak', 'eztk'],
  }),
  tokenRule('shippo-api-token', 'Shippo', 'Shippo API token', 'shippo_', '(?:live|test)_[a-f0-9]{40}'),
  tokenRule('duffel-api-token', 'Duffel', 'Duffel API token', 'duffel_', `(?:live|test)_[${urlSafe}=]{43}`),
  namedRule(
    'lob-api-key',
    'Lob',
    'Lob API key',
    ['lob_api', 'lob_key', 'lob_secret', 'lob-api'],
    '(?:live|test)_[a-f0-9]{35}',
  ),
  namedRule(
    'checkout-secret-key',
    'Checkout.com',
    'Checkout.com secret key',
    ['checkout'],
    `sk_(?:sbox_)?[a-z0-9]{26}`,
    {
      minEntropy: 3.5,
    },
  ),
  // Exchanges and commerce APIs without a prefix: known by the name they are assigned to.
  namedRule('bittrex-api-key', 'Bittrex', 'Bittrex API key or secret', ['bittrex'], `[${base62}]{32}`, {
    minEntropy: 3.5,
  }),
  namedRule('kraken-api-key', 'Kraken', 'Kraken API private key', ['kraken'], `[${base62}/+=_-]{80,90}`, {
    minEntropy: 4.5,
  }),
  namedRule('kucoin-api-key', 'KuCoin', 'KuCoin API key', ['kucoin'], `[${hex}]{24}`),
  namedRule('kucoin-api-secret', 'KuCoin', 'KuCoin API secret', ['kucoin'], uuid),
  tokenRule('sumup-api-key', 'SumUp', 'SumUp secret API key', 'sup_sk_', `[${base62}]{24,64}`, {
    minEntropy: 3.5,
  }),
  namedRule('finicity-api-token', 'Finicity', 'Finicity API token', ['finicity'], `[${hex}]{32}`),
  namedRule('finicity-client-secret', 'Finicity', 'Finicity client secret', ['finicity'], `[${base62}]{20}`, {
    minEntropy: 3.4,
  }),
  namedRule(
    'etsy-api-key',
    'Etsy',
    'Etsy API key (keystring or shared secret)',
    // Not `etsy` alone: it is in every `getSymbol`.
    ['etsy_', 'etsy-', 'etsyapi', 'etsykey'],
    `[${base62}]{24}`,
    {
      minEntropy: 3.5,
    },
  ),
  namedRule('squarespace-api-key', 'Squarespace', 'Squarespace API key', ['squarespace'], uuid),
  namedRule('freshbooks-token', 'FreshBooks', 'FreshBooks access token', ['freshbooks'], `[${base62}]{64}`, {
    minEntropy: 3.5,
  }),
  namedRule('binance-api-key', 'Binance', 'Binance API key or secret', ['binance'], `[${base62}]{64}`, {
    minEntropy: 4.5,
  }),
  namedRule('etherscan-api-key', 'Etherscan', 'Etherscan API key', ['etherscan'], '[A-Z0-9]{34}', {
    minEntropy: 3.5,
  }),
  namedRule('infura-api-key', 'Infura', 'Infura API key', ['infura'], `[${hex}]{32}`),
  // Paddle Billing: `pdl_`, environment, `apikey_`, a ULID-like id, the secret, a 3-character tail.
  tokenRule(
    'paddle-api-key',
    'Paddle',
    'Paddle Billing API key',
    'pdl_',
    `(?:live|sdbx)_apikey_[a-z0-9]{26}_[${base62}]{22}_[${base62}]{3}`,
    { minEntropy: 3.5, keywords: ['pdl_live_apikey_', 'pdl_sdbx_apikey_'] },
  ),
  // eBay's cert ID (the client secret of an app keyset): environment and a dashed hex GUID.
  tokenRule(
    'ebay-cert-id',
    'eBay',
    'eBay cert ID (client secret)',
    '',
    `(?:PRD|SBX)-[a-f0-9]{12}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}`,
    { minEntropy: 3, keywords: ['prd-', 'sbx-'] },
  ),
];
