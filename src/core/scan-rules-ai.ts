/**
 * Rules for AI and machine-learning APIs: keys that are billed per request and are among the
 * most often pasted into notebooks and scripts. Formats from each provider's API documentation.
 */
import {
  assignedRule,
  type CredentialRule,
  caseless,
  prefixRule,
  type RuleOptions,
} from './scan-rules-model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';

function rule(
  id: string,
  provider: string,
  description: string,
  prefix: string,
  body: string,
  options: RuleOptions = { minEntropy: 3.5 },
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

/** AI model and ML platform APIs. */
export const aiRules: readonly CredentialRule[] = [
  rule('openai-project-key', 'OpenAI', 'OpenAI project API key', 'sk-proj-', `[${urlSafe}]{40,}`, {
    minEntropy: 4,
  }),
  rule(
    'openai-service-account-key',
    'OpenAI',
    'OpenAI service account key',
    'sk-svcacct-',
    `[${urlSafe}]{40,}`,
    {
      minEntropy: 4,
    },
  ),
  rule('openai-admin-key', 'OpenAI', 'OpenAI admin key', 'sk-admin-', `[${urlSafe}]{40,}`, { minEntropy: 4 }),
  // Legacy user keys embed the base64 of "OpenAI" (`T3BlbkFJ`) between two random halves.
  rule(
    'openai-legacy-key',
    'OpenAI',
    'OpenAI API key (legacy)',
    'sk-',
    `(?:[${urlSafe}]{20,74})T3BlbkFJ[${urlSafe}]{20,74}`,
    {
      minEntropy: 4,
      keywords: ['t3blbkfj'],
    },
  ),
  rule('anthropic-api-key', 'Anthropic', 'Anthropic API key', 'sk-ant-api03-', `[${urlSafe}]{93}AA`, {
    minEntropy: 4,
  }),
  rule(
    'anthropic-admin-key',
    'Anthropic',
    'Anthropic admin API key',
    'sk-ant-admin01-',
    `[${urlSafe}]{93}AA`,
    {
      minEntropy: 4,
    },
  ),
  rule(
    'anthropic-key',
    'Anthropic',
    'Anthropic key (other versions)',
    'sk-ant-',
    `[a-z]{3,5}\\d\\d-[${urlSafe}]{80,}`,
    {
      minEntropy: 4,
    },
  ),
  rule('huggingface-token', 'Hugging Face', 'Hugging Face access token', 'hf_', `[a-zA-Z]{34}`, {
    minEntropy: 3.8,
  }),
  rule(
    'huggingface-org-token',
    'Hugging Face',
    'Hugging Face organization API token',
    'api_org_',
    `[a-zA-Z]{34}`,
    {
      minEntropy: 3.8,
    },
  ),
  rule('replicate-api-token', 'Replicate', 'Replicate API token', 'r8_', `[${base62}]{37}`),
  rule('groq-api-key', 'Groq', 'Groq API key', 'gsk_', `[${base62}]{52}`, { minEntropy: 4 }),
  rule('perplexity-api-key', 'Perplexity', 'Perplexity API key', 'pplx-', `[${base62}]{48}`, {
    minEntropy: 4,
  }),
  rule('xai-api-key', 'xAI', 'xAI (Grok) API key', 'xai-', `[${base62}]{80}`, { minEntropy: 4 }),
  rule('openrouter-api-key', 'OpenRouter', 'OpenRouter API key', 'sk-or-v1-', '[a-f0-9]{64}', {
    minEntropy: 3,
  }),
  rule(
    'langsmith-api-key',
    'LangSmith',
    'LangSmith API key',
    'lsv2_',
    '(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}',
    { minEntropy: 3 },
  ),
  rule('pinecone-api-key', 'Pinecone', 'Pinecone API key', 'pcsk_', `[${base62}]{5,6}_[${base62}]{60,70}`, {
    minEntropy: 4,
  }),
  rule('together-api-key', 'Together AI', 'Together AI API key', 'tgp_v1_', `[${urlSafe}]{43}`, {
    minEntropy: 4,
  }),
  rule('fireworks-api-key', 'Fireworks AI', 'Fireworks AI API key', 'fw_', `[${base62}]{24}`, {
    minEntropy: 3.8,
  }),
  rule('cerebras-api-key', 'Cerebras', 'Cerebras API key', 'csk-', '[a-z0-9]{48}', { minEntropy: 4 }),
  rule('anyscale-api-key', 'Anyscale', 'Anyscale API key', 'esecret_', '[a-z0-9]{26}', { minEntropy: 3.8 }),
  rule('voyage-api-key', 'Voyage AI', 'Voyage AI API key', 'pa-', `[${urlSafe}]{43}`, {
    minEntropy: 4,
    keywords: ['voyage'],
  }),
  rule('elevenlabs-api-key', 'ElevenLabs', 'ElevenLabs API key', 'sk_', '[a-f0-9]{48}', {
    minEntropy: 3.5,
    keywords: ['elevenlabs', 'xi-api-key', 'xi_api_key'],
  }),
  rule('stability-api-key', 'Stability AI', 'Stability AI API key', 'sk-', `[${base62}]{48}`, {
    minEntropy: 4,
    keywords: ['stability'],
  }),
  rule('deepseek-api-key', 'DeepSeek', 'DeepSeek API key', 'sk-', '[a-f0-9]{32}', {
    minEntropy: 3.5,
    keywords: ['deepseek'],
  }),
  rule('weights-and-biases-key', 'Weights & Biases', 'Weights & Biases API key', 'local-', '[a-f0-9]{40}', {
    minEntropy: 3.5,
    keywords: ['wandb'],
  }),
  named(
    'wandb-api-key',
    'Weights & Biases',
    'Weights & Biases API key',
    ['wandb_api_key', 'wandb'],
    '[a-f0-9]{40}',
  ),
  named('cohere-api-key', 'Cohere', 'Cohere API key', ['cohere', 'co_api_key'], `[${base62}]{40}`, {
    minEntropy: 4,
  }),
  named('mistral-api-key', 'Mistral AI', 'Mistral AI API key', ['mistral'], `[${base62}]{32}`, {
    minEntropy: 4,
  }),
  named(
    'assemblyai-api-key',
    'AssemblyAI',
    'AssemblyAI API key',
    ['assemblyai', 'assembly_ai'],
    '[a-f0-9]{32}',
  ),
  named('deepgram-api-key', 'Deepgram', 'Deepgram API key', ['deepgram'], '[a-f0-9]{40}'),
  named('clarifai-pat', 'Clarifai', 'Clarifai personal access token', ['clarifai'], '[a-f0-9]{32}'),
  named('runpod-api-key', 'RunPod', 'RunPod API key', ['runpod'], `(?:rpa_)?[A-Z0-9]{32,48}`, {
    minEntropy: 3.8,
  }),
  named('modal-token-secret', 'Modal', 'Modal token secret', ['modal_token_secret'], `as-[${base62}]{22}`),
];
