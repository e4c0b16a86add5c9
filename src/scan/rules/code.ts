/**
 * Rules for source hosting, CI/CD, package registries and secret managers: tokens that give
 * push access to code, publish access to packages, or read access to every other secret.
 * Formats from each provider's documentation of its token prefixes.
 */
import { checksumOrEntropy } from './checks.js';
import {
  assignedRule,
  type CredentialRule,
  caseless,
  namedRule,
  patternRule,
  prefixRule,
  tokenCharacter,
  tokenRule,
} from './model.js';

const base62 = 'A-Za-z0-9';
const urlSafe = 'A-Za-z0-9_\\-';
const uuid = '[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}';

function github(id: string, prefix: string, description: string): CredentialRule {
  return tokenRule(id, 'GitHub', description, prefix, `[${base62}]{36}`, {
    check: checksumOrEntropy(prefix.length, 4),
  });
}

function gitlab(id: string, prefix: string, description: string, body = `[${urlSafe}]{20,}`): CredentialRule {
  return tokenRule(id, 'GitLab', description, prefix, body, { minEntropy: 3.2 });
}

/** Source hosting and CI/CD. */
export const sourceHostingRules: readonly CredentialRule[] = [
  github('github-personal-access-token', 'ghp_', 'GitHub personal access token (classic)'),
  github('github-oauth-token', 'gho_', 'GitHub OAuth access token'),
  github('github-user-to-server-token', 'ghu_', 'GitHub App user-to-server token'),
  github('github-server-to-server-token', 'ghs_', 'GitHub App installation token'),
  github('github-refresh-token', 'ghr_', 'GitHub App refresh token'),
  tokenRule(
    'github-fine-grained-token',
    'GitHub',
    'GitHub fine-grained personal access token',
    'github_pat_',
    `[${base62}]{22}_[${base62}]{59}`,
    { minEntropy: 4 },
  ),
  gitlab('gitlab-personal-access-token', 'glpat-', 'GitLab personal, project or group access token'),
  gitlab('gitlab-deploy-token', 'gldt-', 'GitLab deploy token'),
  gitlab('gitlab-runner-token', 'glrt-', 'GitLab runner authentication token'),
  gitlab('gitlab-pipeline-trigger-token', 'glptt-', 'GitLab pipeline trigger token', '[a-f0-9]{40}'),
  gitlab('gitlab-oauth-secret', 'gloas-', 'GitLab OAuth application secret', '[a-f0-9]{64}'),
  gitlab('gitlab-feed-token', 'glft-', 'GitLab feed token'),
  gitlab('gitlab-job-token', 'glcbt-', 'GitLab CI/CD job token', `[0-9a-f]{1,5}_[${urlSafe}]{20,}`),
  gitlab('gitlab-runner-registration-token', 'GR1348941', 'GitLab runner registration token'),
  assignedRule(
    { id: 'bitbucket-app-password', provider: 'Bitbucket', description: 'Bitbucket app password' },
    ['bitbucket'],
    caseless('bitbucket'),
    'ATBB[A-Za-z0-9_=.-]{28,}',
    { minEntropy: 3.5 },
  ),
  tokenRule(
    'bitbucket-access-token',
    'Bitbucket',
    'Bitbucket repository or workspace access token',
    'ATCTT3xFfGN0',
    `[${urlSafe}=]{100,}`,
  ),
  tokenRule(
    'circleci-personal-token',
    'CircleCI',
    'CircleCI personal API token',
    'CCIPAT_',
    `[${base62}]{22}_[a-f0-9]{40}`,
  ),
  tokenRule(
    'circleci-project-token',
    'CircleCI',
    'CircleCI project API token',
    'CCIPRJ_',
    `[${base62}]{22}_[a-f0-9]{40}`,
  ),
  tokenRule('buildkite-agent-token', 'Buildkite', 'Buildkite API access token', 'bkua_', '[a-f0-9]{40}'),
  tokenRule(
    'sourcegraph-access-token',
    'Sourcegraph',
    'Sourcegraph access token',
    'sgp_',
    '(?:[a-f0-9]{16}_|local_)?[a-f0-9]{40}',
  ),
  tokenRule(
    'sonarqube-token',
    'SonarQube',
    'SonarQube user, project or analysis token',
    'sq',
    '[pua]_[a-f0-9]{40}',
    {
      minEntropy: 3,
      keywords: ['sqp_', 'squ_', 'sqa_'],
    },
  ),
  tokenRule('octopus-deploy-api-key', 'Octopus Deploy', 'Octopus Deploy API key', 'API-', '[A-Z0-9]{26}', {
    minEntropy: 3.5,
  }),
  assignedRule(
    { id: 'azure-devops-pat', provider: 'Azure DevOps', description: 'Azure DevOps personal access token' },
    ['azure_devops', 'azure-devops', 'azdo', 'ado_pat', 'system_accesstoken'],
    `${caseless('azure_devops')}|${caseless('azure-devops')}|${caseless('azdo')}|${caseless('ado_pat')}`,
    '[a-z2-7]{52}',
    { minEntropy: 3.5 },
  ),
  assignedRule(
    { id: 'travis-ci-token', provider: 'Travis CI', description: 'Travis CI API token' },
    ['travis'],
    caseless('travis'),
    `[${base62}]{22}`,
    { minEntropy: 3.5 },
  ),
  tokenRule('jfrog-api-key', 'JFrog', 'JFrog Artifactory API key', 'AKCp', `[${base62}]{69}`, {
    minEntropy: 4,
  }),
  tokenRule(
    'jfrog-identity-token',
    'JFrog',
    'JFrog identity or reference token',
    'cmVmd',
    `[${base62}]{59}`,
    {
      minEntropy: 4,
    },
  ),
  namedRule('codecov-token', 'Codecov', 'Codecov upload token', ['codecov'], uuid),
  namedRule('gitea-token', 'Gitea', 'Gitea or Forgejo access token', ['gitea', 'forgejo'], '[a-f0-9]{40}'),
  tokenRule('postman-api-key', 'Postman', 'Postman API key', 'PMAK-', '[a-f0-9]{24}-[a-f0-9]{34}'),
  tokenRule('readme-api-key', 'ReadMe', 'ReadMe API key', 'rdme_', '[a-z0-9]{70}'),
  // Harness personal and service account tokens: account id, token id, secret.
  patternRule(
    {
      id: 'harness-api-token',
      provider: 'Harness',
      description: 'Harness personal or service account token',
    },
    ['pat.', 'sat.'],
    `([ps]at\\.(?<![${tokenCharacter}][ps]at\\.)[${urlSafe}]{22}\\.[${base62}]{24}\\.[${base62}]{20})(?![${tokenCharacter}])`,
    { minEntropy: 3.8 },
  ),
];

/** Package registries and container registries. */
export const registryRules: readonly CredentialRule[] = [
  tokenRule('npm-access-token', 'npm', 'npm access token', 'npm_', `[${base62}]{36}`, {
    check: checksumOrEntropy(4, 4),
  }),
  tokenRule('pypi-upload-token', 'PyPI', 'PyPI upload token', 'pypi-AgEIcHlwaS5vcmc', `[${urlSafe}]{50,}`, {
    minEntropy: 4,
    keywords: ['pypi-ageichlwas5vcmc'],
  }),
  tokenRule(
    'pypi-test-upload-token',
    'TestPyPI',
    'TestPyPI upload token',
    'pypi-AgENdGVzdC5weXBpLm9yZw',
    `[${urlSafe}]{50,}`,
    {
      minEntropy: 4,
      keywords: ['pypi-agendgvzdc5wexbplm9yzw'],
    },
  ),
  tokenRule('rubygems-api-key', 'RubyGems', 'RubyGems API key', 'rubygems_', '[a-f0-9]{48}'),
  tokenRule('nuget-api-key', 'NuGet', 'NuGet API key', 'oy2', '[a-z2-7]{43}', { minEntropy: 3.5 }),
  tokenRule(
    'docker-hub-token',
    'Docker Hub',
    'Docker Hub personal access token',
    'dckr_pat_',
    `[${urlSafe}]{27}`,
  ),
  tokenRule(
    'docker-hub-org-token',
    'Docker Hub',
    'Docker Hub organization access token',
    'dckr_oat_',
    `[${urlSafe}]{32}`,
  ),
  tokenRule('crates-io-token', 'crates.io', 'crates.io API token', 'cio', `[${base62}]{32}`, {
    minEntropy: 4,
  }),
  namedRule('hex-pm-key', 'Hex', 'Hex.pm API key', ['hex_api_key', 'hexpm'], '[a-f0-9]{32}'),
  tokenRule('clojars-token', 'Clojars', 'Clojars deploy token', 'CLOJARS_', '[a-z0-9]{60}'),
  tokenRule(
    'packagist-token',
    'Packagist',
    'Private Packagist token',
    'packagist_',
    '[ou][ru]t_[a-f0-9]{68}',
  ),
  // Registry credentials written into package-manager configuration files.
  patternRule(
    {
      id: 'npmrc-auth-token',
      provider: 'npm',
      description: 'Registry credential in an .npmrc (_authToken, _auth)',
    },
    [':_auth'],
    `:_auth(?:Token)?[ \\t]{0,3}=[ \\t]{0,3}["']?([A-Za-z0-9_.+/=-]{20,})`,
    { minEntropy: 3 },
  ),
  patternRule(
    { id: 'nuget-config-password', provider: 'NuGet', description: 'ClearTextPassword in a NuGet.config' },
    ['cleartextpassword'],
    `key\\s{0,3}=\\s{0,3}["']ClearTextPassword["']\\s+value\\s{0,3}=\\s{0,3}["']([^"'\\s<>]{6,})["']`,
    // `%NUGET_PASSWORD%` is NuGet's own reference to an environment variable.
    { minEntropy: 2.5, check: (secret) => !/^%\w+%$/.test(secret) },
  ),
  patternRule(
    {
      id: 'maven-settings-password',
      provider: 'Maven',
      description: 'Plain-text password in a Maven settings.xml',
    },
    ['<password>'],
    `<password>\\s{0,20}([^<\\s]{6,})\\s{0,20}</password>`,
    // `{...}` is a password Maven encrypted (settings-security.xml); `${...}` a property.
    { minEntropy: 2.5, check: (secret) => !/^\{[A-Za-z0-9+/=]+\}$/.test(secret) },
  ),
  // Sidekiq Pro and Enterprise are installed from contribsys' gem server with a
  // `user:password` pair (Bundler config, environment, or the source URL).
  assignedRule(
    {
      id: 'sidekiq-credentials',
      provider: 'Sidekiq',
      description: 'Sidekiq Pro / Enterprise gem server credentials',
    },
    ['contribsys'],
    [
      'bundle_enterprise__contribsys__com',
      'bundle_gems__contribsys__com',
      'enterprise.contribsys.com',
      'gems.contribsys.com',
    ]
      .map(caseless)
      .join('|'),
    '[a-f0-9]{8}:[a-f0-9]{8}',
    { minEntropy: 2.5 },
  ),
  patternRule(
    {
      id: 'sidekiq-url',
      provider: 'Sidekiq',
      description: 'Sidekiq Pro / Enterprise gem server URL with credentials',
    },
    ['contribsys.com'],
    'https?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\\.contribsys\\.com',
    { minEntropy: 2.5 },
  ),
  tokenRule(
    'dependency-track-api-key',
    'Dependency-Track',
    'OWASP Dependency-Track API key',
    'odt_',
    `(?:[${base62}]{5,10}_)?[${base62}]{32}`,
    { minEntropy: 3.5 },
  ),
];

/** Secret managers and infrastructure-as-code services. */
export const secretManagerRules: readonly CredentialRule[] = [
  tokenRule(
    'hashicorp-vault-service-token',
    'HashiCorp Vault',
    'HashiCorp Vault service token',
    'hvs.',
    `[${urlSafe}]{24,}`,
  ),
  tokenRule(
    'hashicorp-vault-batch-token',
    'HashiCorp Vault',
    'HashiCorp Vault batch token',
    'hvb.',
    `[${urlSafe}]{24,}`,
  ),
  tokenRule(
    'hashicorp-vault-recovery-token',
    'HashiCorp Vault',
    'HashiCorp Vault recovery token',
    'hvr.',
    `[${urlSafe}]{24,}`,
  ),
  prefixRule(
    {
      id: 'terraform-cloud-token',
      provider: 'Terraform Cloud',
      description: 'Terraform Cloud / HCP Terraform API token',
    },
    '',
    `[${base62}]{14}\\.atlasv1\\.[${urlSafe}]{60,}`,
    { minEntropy: 3.5, keywords: ['.atlasv1.'] },
  ),
  tokenRule(
    'doppler-token',
    'Doppler',
    'Doppler service, personal or CLI token',
    'dp.',
    `(?:pt|st|sa|ct|scim|audit)\\.(?:[a-z0-9_-]{1,40}\\.)?[${base62}]{40,44}`,
  ),
  tokenRule(
    'onepassword-service-account-token',
    '1Password',
    '1Password service account token',
    'ops_',
    `eyJ[${urlSafe}]{40,}`,
  ),
  tokenRule(
    'onepassword-secret-key',
    '1Password',
    '1Password account secret key',
    'A3-',
    '[A-Z0-9]{6}-(?:[A-Z0-9]{6}-)?[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}',
    { minEntropy: 3 },
  ),
  tokenRule('pulumi-access-token', 'Pulumi', 'Pulumi access token', 'pul-', '[a-f0-9]{40}'),
  tokenRule(
    'infisical-token',
    'Infisical',
    'Infisical service token',
    'st.',
    `[a-f0-9-]{36}\\.[a-f0-9]{32}\\.[a-f0-9]{32}`,
    // `st.` alone occurs in every other file (`request.get`), so the provider's name gates it.
    { minEntropy: 3, keywords: ['infisical'] },
  ),
  tokenRule(
    'age-secret-key',
    'age',
    'age secret key',
    'AGE-SECRET-KEY-1',
    '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
    { minEntropy: 3.5 },
  ),
  tokenRule('prefect-api-key', 'Prefect', 'Prefect Cloud API key', 'pnu_', `[${base62}]{36}`),
  tokenRule('infracost-api-key', 'Infracost', 'Infracost API key', 'ico-', `[${base62}]{32}`, {
    minEntropy: 3.5,
  }),
  tokenRule(
    'settlemint-token',
    'SettleMint',
    'SettleMint personal, application or service access token',
    'sm_',
    `(?:pat|aat|sat)_[${base62}]{16}`,
    { minEntropy: 3, keywords: ['sm_pat_', 'sm_aat_', 'sm_sat_'] },
  ),
];
