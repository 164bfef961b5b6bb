import { shannonEntropy } from './allow';
import type { SecretRule } from './types';

/** `name = "value"`, `name: value`, `"name": "value"`, `name := value`, `name => value`. */
export const ASSIGN = String.raw`["'\x60]?\s{0,5}(?::=|=>|=|:)\s{0,5}["'\x60]?`;

const looksRandom = (min: number) => (secret: string) => shannonEntropy(secret) >= min;

function decodesTo(value: string, test: RegExp): boolean {
  return test.test(Buffer.from(value, 'base64').toString('latin1'));
}

/** Provider token formats: a fixed prefix or a fixed shape, so precision comes from the format itself. */
export const PROVIDER_RULES: SecretRule[] = [
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    pattern: /\b(?<s>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})\b/dg,
    validate: looksRandom(2.8),
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key (next to an AWS/secret-access-key name)',
    keywords: ['secret'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`(?:aws[_.-]?secret[A-Za-z_.-]{0,20}|secret[_.-]?access[_.-]?key)(?:${ASSIGN}|["'\x60]?\s{1,3}(?:to|is)\s{1,3}["'\x60]?)(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'dgi',
    ),
    validate: looksRandom(3.8),
  },
  {
    id: 'gcp-api-key',
    description: 'Google Cloud / Firebase API key',
    keywords: ['AIza'],
    pattern: /\b(?<s>AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/dg,
  },
  {
    id: 'azure-storage-key',
    description: 'Azure storage account key',
    keywords: ['accountkey', 'azure', 'storage'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`(?:AccountKey=|(?:azure|storage)[A-Za-z0-9_.-]{0,30}key${ASSIGN})(?<s>[A-Za-z0-9+/]{86}==)`,
      'dgi',
    ),
  },
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature',
    keywords: ['sig='],
    pattern: /[?&]sv=\d{4}-\d{2}-\d{2}&[^\s"'<>]{0,300}?[?&]sig=(?<s>[A-Za-z0-9%+/]{40,100}(?:=|%3D){0,2})/dg,
  },
  {
    id: 'github-token',
    description: 'GitHub token (classic PAT, OAuth, user-to-server, server-to-server, refresh)',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    pattern: /\b(?<s>gh[pousr]_[A-Za-z0-9]{36,251})\b/dg,
  },
  {
    id: 'github-fine-grained-token',
    description: 'GitHub fine-grained personal access token',
    keywords: ['github_pat_'],
    pattern: /\b(?<s>github_pat_[A-Za-z0-9]{20,30}_[A-Za-z0-9]{50,70})\b/dg,
  },
  {
    id: 'gitlab-token',
    description: 'GitLab token (personal, deploy, runner, CI build, trigger)',
    keywords: ['glpat-', 'gldt-', 'glrt-', 'glcbt-', 'glptt-', 'GR1348941'],
    pattern: /\b(?<s>(?:glpat|gldt|glrt|glcbt|glptt)-[A-Za-z0-9_.-]{20,80}|GR1348941[A-Za-z0-9_-]{20,40})/dg,
  },
  {
    id: 'slack-token',
    description: 'Slack bot, user, app or workspace token',
    keywords: ['xox', 'xapp-'],
    pattern:
      /\b(?<s>xox[abposre]-(?:\d{6,15}-){1,3}[A-Za-z0-9-]{8,200}|xapp-\d-[A-Z0-9]{8,14}-\d{8,15}-[a-f0-9]{32,80})/dg,
    validate: looksRandom(3),
  },
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook URL',
    keywords: ['hooks.slack.com'],
    pattern:
      /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<s>T[A-Z0-9]{6,12}\/[A-Z0-9]{6,14}\/[A-Za-z0-9]{20,48})/dg,
  },
  {
    id: 'discord-bot-token',
    description: 'Discord bot token',
    keywords: [],
    pattern: /\b(?<s>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})(?![A-Za-z0-9_.-])/dg,
    // The first segment is the bot's snowflake id in base64: a strong check against random look-alikes.
    validate: (s) => decodesTo(s.slice(0, s.indexOf('.')), /^\d{17,20}$/),
  },
  {
    id: 'discord-webhook',
    description: 'Discord webhook URL',
    keywords: ['/api/webhooks/'],
    pattern: /discord(?:app)?\.com\/api\/webhooks\/(?<s>\d{17,20}\/[A-Za-z0-9_-]{60,70})/dg,
  },
  {
    // sk_test_/rk_test_ keys only reach Stripe's test mode (no real money, no real customers) and
    // Stripe publishes some in its docs, so they are not reported.
    id: 'stripe-live-key',
    description: 'Stripe live secret or restricted key',
    keywords: ['_live_'],
    pattern: /\b(?<s>(?:sk|rk)_live_[A-Za-z0-9]{20,247})\b/dg,
  },
  {
    id: 'stripe-webhook-secret',
    description: 'Stripe webhook signing secret',
    keywords: ['whsec_'],
    pattern: /\b(?<s>whsec_[A-Za-z0-9]{32,64})\b/dg,
  },
  {
    id: 'twilio-api-key',
    description: 'Twilio API key SID',
    keywords: ['SK'],
    pattern: /\b(?<s>SK[0-9a-f]{32})\b/dg,
    validate: looksRandom(3),
  },
  {
    id: 'twilio-auth-token',
    description: 'Twilio auth token (next to a Twilio name)',
    keywords: ['twilio'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(String.raw`twilio[A-Za-z0-9_.-]{0,30}${ASSIGN}(?<s>[0-9a-f]{32})\b`, 'dgi'),
    validate: looksRandom(3),
  },
  {
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    keywords: ['SG.'],
    pattern: /\b(?<s>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/dg,
  },
  {
    id: 'mailgun-api-key',
    description: 'Mailgun API key',
    keywords: ['key-', 'mailgun'],
    caseInsensitiveKeywords: true,
    pattern: new RegExp(
      String.raw`\b(?<s>key-[0-9a-f]{32})\b|mailgun[A-Za-z0-9_.-]{0,30}${ASSIGN}(?<s2>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b`,
      'dgi',
    ),
    validate: looksRandom(3),
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API or admin key',
    keywords: ['sk-ant-'],
    pattern: /\b(?<s>sk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{80,120})(?![A-Za-z0-9_-])/dg,
  },
  {
    id: 'openai-api-key',
    description: 'OpenAI API key (project, service account, admin, legacy)',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'T3BlbkFJ'],
    pattern:
      /\b(?<s>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?![A-Za-z0-9_-])/dg,
  },
  {
    id: 'huggingface-token',
    description: 'Hugging Face access token',
    keywords: ['hf_'],
    pattern: /\b(?<s>hf_[A-Za-z]{34})\b/dg,
    validate: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3)) && shannonEntropy(s) >= 3.5,
  },
  {
    id: 'npm-token',
    description: 'npm access token',
    keywords: ['npm_', '_authtoken'],
    caseInsensitiveKeywords: true,
    pattern: /\b(?<s>npm_[A-Za-z0-9]{36})\b|_authToken\s{0,3}=\s{0,3}["']?(?<s2>[A-Za-z0-9_+/=-]{20,200})/dg,
    validate: looksRandom(3),
  },
  {
    id: 'pypi-token',
    description: 'PyPI upload token',
    keywords: ['pypi-AgE'],
    pattern: /\b(?<s>pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,300})/dg,
  },
  {
    id: 'docker-hub-token',
    description: 'Docker Hub personal access token',
    keywords: ['dckr_pat_'],
    pattern: /\b(?<s>dckr_pat_[A-Za-z0-9_-]{27,40})/dg,
  },
  {
    id: 'docker-config-auth',
    description: 'Registry credentials in a Docker config.json',
    keywords: ['"auths"'],
    pattern: /"auth"\s{0,3}:\s{0,3}"(?<s>[A-Za-z0-9+/]{12,400}={0,2})"/dg,
    validate: (s) => decodesTo(s, /^[\x20-\x7e]{1,100}:[\x20-\x7e]{4,}$/),
  },
  {
    id: 'shopify-token',
    description: 'Shopify access token or shared secret',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    pattern: /\b(?<s>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b/dg,
  },
];
