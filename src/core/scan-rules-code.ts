/**
 * Rules for source hosting, CI and package registries: tokens that give push access to code or
 * publish access to packages. Formats from each provider's documentation of its token prefixes.
 */
import { checksumOrEntropy } from './scan-rules-checks.js';
import { assignedRule, type CredentialRule, caseless, prefixRule } from './scan-rules-model.js';

const base62 = 'A-Za-z0-9';

function github(id: string, prefix: string, description: string): CredentialRule {
  return prefixRule({ id, provider: 'GitHub', description }, prefix, `[${base62}]{36}`, {
    check: checksumOrEntropy(prefix.length, 4),
  });
}

/** Source hosting and CI. */
export const sourceHostingRules: readonly CredentialRule[] = [
  github('github-personal-access-token', 'ghp_', 'GitHub personal access token (classic)'),
  github('github-oauth-token', 'gho_', 'GitHub OAuth access token'),
  github('github-user-to-server-token', 'ghu_', 'GitHub App user-to-server token'),
  github('github-server-to-server-token', 'ghs_', 'GitHub App installation token'),
  github('github-refresh-token', 'ghr_', 'GitHub App refresh token'),
  prefixRule(
    {
      id: 'github-fine-grained-token',
      provider: 'GitHub',
      description: 'GitHub fine-grained personal access token',
    },
    'github_pat_',
    `[${base62}]{22}_[${base62}]{59}`,
    { minEntropy: 4 },
  ),
  prefixRule(
    { id: 'gitlab-personal-access-token', provider: 'GitLab', description: 'GitLab personal access token' },
    'glpat-',
    '[A-Za-z0-9_-]{20,}',
    { minEntropy: 3.5 },
  ),
  assignedRule(
    { id: 'bitbucket-app-password', provider: 'Bitbucket', description: 'Bitbucket app password' },
    ['bitbucket'],
    caseless('bitbucket'),
    'ATBB[A-Za-z0-9_=.-]{28,}',
    { minEntropy: 3.5 },
  ),
];
