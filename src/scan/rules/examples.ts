/**
 * Providers' documented example credentials: the keys that AWS, Stripe, Slack, Mailgun and
 * jwt.io print in their documentation, copied into countless READMEs and tests. They match
 * their provider's format exactly (some even carry a valid structure), so only their exact
 * value tells them apart. Kept as SHA-256 digests, so this file holds no credential-shaped
 * literal for other scanners to flag.
 */
import { createHash } from 'node:crypto';

const documentedExampleDigests = new Set([
  '1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3', // AWS access key id (IAM docs)
  '78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598', // AWS secret access key (IAM docs)
  'c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9', // AWS access key id (STS docs)
  'e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33', // AWS secret access key (STS docs)
  '2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326', // Stripe test secret key (API reference)
  'b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b', // Stripe test publishable key (API reference)
  'f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397', // Stripe test secret key (older docs)
  '5895b89c8fb33402a5bfc23aad5aaf863fbb438a51e1a0bb02b0ce618c8fdf9d', // Stripe test publishable key (older docs)
  '7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606', // jwt.io's HS256 example token
  '2ddc147f3a3b5a1722b8ed6be3c45c49a7156b17fca5d11410137a6d04def6eb', // Slack bot token (token types docs)
  '9c846fdf0fa8955c377d0301542ee20ecd4585c5f359aa0a4cf15d44424f573d', // Mailgun API key (API docs)
]);

/** True when `secret` is exactly one of the providers' documented example credentials. */
export function isDocumentedExample(secret: string): boolean {
  // Every documented example is between 20 and 160 characters: skip hashing anything else.
  if (secret.length < 20 || secret.length > 160) return false;
  return documentedExampleDigests.has(createHash('sha256').update(secret).digest('hex'));
}
