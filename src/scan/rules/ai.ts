/**
 * Rules for AI and machine-learning APIs: keys that are billed per request and are among the
 * most often pasted into notebooks and scripts. Formats from each provider's API documentation.
 */
import { type CredentialRule, namedRule, tokenRule } from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';

/** AI model and ML platform APIs. */
export const aiRules: readonly CredentialRule[] = [
  // Long-term keys are ABSK + base64 of `BedrockAPIKey-...`; short-term ones base64 of a
  // presigned bedrock.amazonaws.com URL.
  tokenRule(
    'amazon-bedrock-api-key',
    'Amazon Bedrock',
    'Amazon Bedrock long-term API key',
    'ABSKQmVkcm9ja0FQSUtleS',
    '[A-Za-z0-9+/]{100,}={0,2}',
    { minEntropy: 4, keywords: ['absk'] },
  ),
  tokenRule(
    'amazon-bedrock-short-term-api-key',
    'Amazon Bedrock',
    'Amazon Bedrock short-term API key',
    'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t',
    '[A-Za-z0-9+/]{100,}={0,2}',
    { minEntropy: 4, keywords: ['bedrock-api-key-'] },
  ),
  tokenRule('openai-project-key', 'OpenAI', 'OpenAI project API key', 'sk-proj-', `[${urlSafe}]{40,}`, {
    minEntropy: 4,
  }),
  tokenRule(
    'openai-service-account-key',
    'OpenAI',
    'OpenAI service account key',
    'sk-svcacct-',
    `[${urlSafe}]{40,}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule('openai-admin-key', 'OpenAI', 'OpenAI admin key', 'sk-admin-', `[${urlSafe}]{40,}`, {
    minEntropy: 4,
  }),
  // Legacy user keys embed the base64 of "OpenAI" (`T3BlbkFJ`) between two random halves.
  tokenRule(
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
  tokenRule('anthropic-api-key', 'Anthropic', 'Anthropic API key', 'sk-ant-api03-', `[${urlSafe}]{93}AA`, {
    minEntropy: 4,
  }),
  tokenRule(
    'anthropic-admin-key',
    'Anthropic',
    'Anthropic admin API key',
    'sk-ant-admin01-',
    `[${urlSafe}]{93}AA`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule(
    'anthropic-key',
    'Anthropic',
    'Anthropic key (other versions)',
    'sk-ant-',
    `[a-z]{3,5}\\d\\d-[${urlSafe}]{80,}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule('huggingface-token', 'Hugging Face', 'Hugging Face access token', 'hf_', `[${base62}]{34}`, {
    minEntropy: 3.8,
  }),
  tokenRule(
    'huggingface-org-token',
    'Hugging Face',
    'Hugging Face organization API token',
    'api_org_',
    `[${base62}]{34}`,
    {
      minEntropy: 3.8,
    },
  ),
  tokenRule('replicate-api-token', 'Replicate', 'Replicate API token', 'r8_', `[${base62}]{37}`),
  tokenRule('groq-api-key', 'Groq', 'Groq API key', 'gsk_', `[${base62}]{52}`, { minEntropy: 4 }),
  tokenRule('perplexity-api-key', 'Perplexity', 'Perplexity API key', 'pplx-', `[${base62}]{48}`, {
    minEntropy: 4,
  }),
  tokenRule('xai-api-key', 'xAI', 'xAI (Grok) API key', 'xai-', `[${base62}]{80}`, { minEntropy: 4 }),
  tokenRule('openrouter-api-key', 'OpenRouter', 'OpenRouter API key', 'sk-or-v1-', '[a-f0-9]{64}', {
    minEntropy: 3,
  }),
  tokenRule(
    'langsmith-api-key',
    'LangSmith',
    'LangSmith API key',
    'lsv2_',
    '(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}',
    { minEntropy: 3 },
  ),
  tokenRule(
    'pinecone-api-key',
    'Pinecone',
    'Pinecone API key',
    'pcsk_',
    `[${base62}]{5,6}_[${base62}]{60,70}`,
    {
      minEntropy: 4,
    },
  ),
  tokenRule('together-api-key', 'Together AI', 'Together AI API key', 'tgp_v1_', `[${urlSafe}]{43}`, {
    minEntropy: 4,
  }),
  tokenRule('fireworks-api-key', 'Fireworks AI', 'Fireworks AI API key', 'fw_', `[${base62}]{24}`, {
    minEntropy: 3.8,
  }),
  tokenRule('cerebras-api-key', 'Cerebras', 'Cerebras API key', 'csk-', '[a-z0-9]{48}', { minEntropy: 4 }),
  tokenRule('anyscale-api-key', 'Anyscale', 'Anyscale API key', 'esecret_', '[a-z0-9]{26}', {
    minEntropy: 3.8,
  }),
  tokenRule('voyage-api-key', 'Voyage AI', 'Voyage AI API key', 'pa-', `[${urlSafe}]{43}`, {
    minEntropy: 4,
    keywords: ['voyage'],
  }),
  tokenRule('elevenlabs-api-key', 'ElevenLabs', 'ElevenLabs API key', 'sk_', '[a-f0-9]{48}', {
    minEntropy: 3.5,
    keywords: ['elevenlabs', 'xi-api-key', 'xi_api_key'],
  }),
  tokenRule('stability-api-key', 'Stability AI', 'Stability AI API key', 'sk-', `[${base62}]{48}`, {
    minEntropy: 4,
    keywords: ['stability'],
  }),
  tokenRule('deepseek-api-key', 'DeepSeek', 'DeepSeek API key', 'sk-', '[a-f0-9]{32}', {
    minEntropy: 3.5,
    keywords: ['deepseek'],
  }),
  tokenRule(
    'weights-and-biases-key',
    'Weights & Biases',
    'Weights & Biases API key',
    'local-',
    '[a-f0-9]{40}',
    {
      minEntropy: 3.5,
      keywords: ['wandb'],
    },
  ),
  namedRule(
    'wandb-api-key',
    'Weights & Biases',
    'Weights & Biases API key',
    ['wandb_api_key', 'wandb'],
    '[a-f0-9]{40}',
  ),
  namedRule('cohere-api-key', 'Cohere', 'Cohere API key', ['cohere', 'co_api_key'], `[${base62}]{40}`, {
    minEntropy: 4,
  }),
  namedRule('mistral-api-key', 'Mistral AI', 'Mistral AI API key', ['mistral'], `[${base62}]{32}`, {
    minEntropy: 4,
  }),
  namedRule(
    'assemblyai-api-key',
    'AssemblyAI',
    'AssemblyAI API key',
    ['assemblyai', 'assembly_ai'],
    '[a-f0-9]{32}',
  ),
  namedRule('deepgram-api-key', 'Deepgram', 'Deepgram API key', ['deepgram'], '[a-f0-9]{40}'),
  namedRule('clarifai-pat', 'Clarifai', 'Clarifai personal access token', ['clarifai'], '[a-f0-9]{32}'),
  namedRule('runpod-api-key', 'RunPod', 'RunPod API key', ['runpod'], `(?:rpa_)?[A-Z0-9]{32,48}`, {
    minEntropy: 3.8,
  }),
  namedRule(
    'modal-token-secret',
    'Modal',
    'Modal token secret',
    ['modal_token_secret'],
    `as-[${base62}]{22}`,
  ),
  tokenRule('tavily-api-key', 'Tavily', 'Tavily API key', 'tvly-', `(?:dev-|prod-)?[${base62}]{28,48}`, {
    minEntropy: 3.5,
  }),
  // `fc-` is in every other UUID (`...-4afc-...`): the rule runs where the text names Firecrawl.
  tokenRule('firecrawl-api-key', 'Firecrawl', 'Firecrawl API key', 'fc-', '[a-f0-9]{32}', {
    minEntropy: 3,
    keywords: ['firecrawl'],
  }),
  tokenRule('nvidia-api-key', 'NVIDIA', 'NVIDIA API catalog (NIM) key', 'nvapi-', `[${urlSafe}]{64}`, {
    minEntropy: 4,
  }),
  tokenRule('jina-api-key', 'Jina AI', 'Jina AI API key', 'jina_', `[${urlSafe}]{40,80}`, { minEntropy: 4 }),
  tokenRule(
    'langfuse-secret-key',
    'Langfuse',
    'Langfuse secret key',
    'sk-lf-',
    '[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}',
  ),
];
