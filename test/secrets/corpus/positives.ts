import { ALNUM, B64, B64URL, BASE32, DIGITS, HEX, LOWER, Rng, UPPER } from './rng';

/**
 * A planted secret: `value` goes into a `name = value` line rendered for the file type, unless
 * `lines` gives the exact text (multi-line key blocks, URLs in prose). The label is the first line.
 */
export interface Planted {
  family: string;
  name: string;
  value: string;
  lines?: string[];
}

/** Secret-shaped strings are only ever built here, at run time, from the seeded PRNG. */
export const POSITIVES: Record<string, (r: Rng) => Planted> = {
  'aws-access-key-id': (r) => ({
    family: 'aws',
    name: 'aws_access_key_id',
    value: `AKIA${r.str(BASE32, 16)}`,
  }),
  'aws-secret-access-key': (r) => ({ family: 'aws', name: 'aws_secret_access_key', value: r.str(B64, 40) }),
  'gcp-api-key': (r) => ({ family: 'gcp', name: 'firebaseApiKey', value: `AIza${r.str(B64URL, 35)}` }),
  'gcp-service-account': (r) => ({
    family: 'gcp',
    name: 'private_key',
    value: '',
    lines: [`  "private_key": "${pem('PRIVATE KEY', r, '\\n')}",`],
  }),
  'azure-storage': (r) => ({
    family: 'azure',
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    value: `DefaultEndpointsProtocol=https;AccountName=${r.str(LOWER, 10)};AccountKey=${r.str(B64, 86)}==;EndpointSuffix=core.windows.net`,
  }),
  'github-token': (r) => ({
    family: 'github',
    name: 'GITHUB_TOKEN',
    value: `${r.pick(['ghp', 'gho', 'ghu', 'ghs', 'ghr'])}_${r.str(ALNUM, 36)}`,
  }),
  'github-fine-grained': (r) => ({
    family: 'github',
    name: 'GH_PAT',
    value: `github_pat_${r.str(ALNUM, 22)}_${r.str(ALNUM, 59)}`,
  }),
  gitlab: (r) => ({ family: 'gitlab', name: 'GITLAB_TOKEN', value: `glpat-${r.str(B64URL, 20)}` }),
  'slack-token': (r) => ({
    family: 'slack',
    name: 'SLACK_BOT_TOKEN',
    value: `xox${r.pick(['b', 'p', 'a'])}-${r.str(DIGITS, 12)}-${r.str(DIGITS, 13)}-${r.str(ALNUM, 24)}`,
  }),
  'slack-webhook': (r) => ({
    family: 'slack',
    name: 'SLACK_WEBHOOK_URL',
    value: `https://hooks.slack.com/services/T${r.str(UPPER + DIGITS, 8)}/B${r.str(UPPER + DIGITS, 10)}/${r.str(ALNUM, 24)}`,
  }),
  'discord-bot-token': (r) => ({
    family: 'discord',
    name: 'DISCORD_BOT_TOKEN',
    value: `${Buffer.from(`${r.int(1, 9)}${r.str(DIGITS, 17)}`).toString('base64')}.${r.str(B64URL, 6)}.${r.str(B64URL, 38)}`,
  }),
  'discord-webhook': (r) => ({
    family: 'discord',
    name: 'DISCORD_WEBHOOK',
    value: `https://discord.com/api/webhooks/${r.str(DIGITS, 18)}/${r.str(B64URL, 68)}`,
  }),
  stripe: (r) => ({
    family: 'stripe',
    name: 'STRIPE_SECRET_KEY',
    value: `${r.pick(['sk', 'rk'])}_live_${r.str(ALNUM, r.pick([24, 99]))}`,
  }),
  'twilio-api-key': (r) => ({ family: 'twilio', name: 'TWILIO_API_KEY', value: `SK${r.str(HEX, 32)}` }),
  'twilio-auth-token': (r) => ({ family: 'twilio', name: 'TWILIO_AUTH_TOKEN', value: r.str(HEX, 32) }),
  sendgrid: (r) => ({
    family: 'sendgrid',
    name: 'SENDGRID_API_KEY',
    value: `SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}`,
  }),
  mailgun: (r) => ({ family: 'mailgun', name: 'MAILGUN_API_KEY', value: `key-${r.str(HEX, 32)}` }),
  anthropic: (r) => ({
    family: 'anthropic',
    name: 'ANTHROPIC_API_KEY',
    value: `sk-ant-api03-${r.str(B64URL, 93)}AA`,
  }),
  openai: (r) => ({
    family: 'openai',
    name: 'OPENAI_API_KEY',
    value: `sk-proj-${r.str(B64URL, 74)}T3BlbkFJ${r.str(B64URL, 74)}`,
  }),
  'openai-legacy': (r) => ({
    family: 'openai',
    name: 'openai.api_key',
    value: `sk-${r.str(ALNUM, 20)}T3BlbkFJ${r.str(ALNUM, 20)}`,
  }),
  huggingface: (r) => ({ family: 'huggingface', name: 'HF_TOKEN', value: `hf_${r.str(UPPER + LOWER, 34)}` }),
  npm: (r) => ({ family: 'npm', name: 'NPM_TOKEN', value: `npm_${r.str(ALNUM, 36)}` }),
  pypi: (r) => ({ family: 'pypi', name: 'PYPI_TOKEN', value: `pypi-AgEIcHlwaS5vcmc${r.str(B64URL, 150)}` }),
  'docker-hub': (r) => ({
    family: 'docker',
    name: 'DOCKERHUB_TOKEN',
    value: `dckr_pat_${r.str(B64URL, 27)}`,
  }),
  shopify: (r) => ({ family: 'shopify', name: 'SHOPIFY_ACCESS_TOKEN', value: `shpat_${r.str(HEX, 32)}` }),
  jwt: (r) => {
    const payload = Buffer.from(
      JSON.stringify({ sub: r.str(HEX, 12), iat: r.int(1.6e9, 1.8e9), role: 'service' }),
    ).toString('base64url');
    return {
      family: 'jwt',
      name: 'SESSION_TOKEN',
      value: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${payload}.${r.str(B64URL, 43)}`,
    };
  },
  'private-key': (r) => {
    const kind = r.pick([
      'RSA PRIVATE KEY',
      'EC PRIVATE KEY',
      'OPENSSH PRIVATE KEY',
      'PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
      'DSA PRIVATE KEY',
    ]);
    return { family: 'private-key', name: 'key', value: '', lines: pem(kind, r, '\n').split('\n') };
  },
  'pgp-private-key': (r) => ({
    family: 'private-key',
    name: 'key',
    value: '',
    lines: pem('PGP PRIVATE KEY BLOCK', r, '\n').split('\n'),
  }),
  'connection-url': (r) => {
    const scheme = r.pick(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp']);
    const pass = `${r.str(ALNUM, r.int(8, 14))}${r.pick(['', '-', '_', '.', '~'])}${r.str(ALNUM, r.int(3, 6))}`;
    return {
      family: 'connection-url',
      name: 'DATABASE_URL',
      value: `${scheme}://${r.pick(['app', 'admin', 'svc_api'])}:${pass}@${r.pick(['db', 'cache', 'mq'])}.${r.str(LOWER, 6)}.internal:5432/${r.str(LOWER, 5)}`,
    };
  },
  'generic-password': (r) => ({
    family: 'generic',
    name: r.pick([
      'DB_PASSWORD',
      'password',
      'adminPassword',
      'smtp_password',
      'SECRET_KEY',
      'client_secret',
      'api_token',
    ]),
    value: `${r.str(ALNUM, r.int(10, 20))}${r.pick(['!', '#', '%', '^', '*', '@', '-', '_'])}${r.str(ALNUM, r.int(2, 6))}`,
  }),
  'generic-api-key': (r) => ({
    family: 'generic',
    name: r.pick(['API_KEY', 'apiKey', 'x_api_key', 'ENCRYPTION_KEY']),
    value: r.str(r.pick([HEX, ALNUM]), r.pick([32, 40, 48])),
  }),
};

export function pem(kind: string, r: Rng, nl: string): string {
  const body: string[] = [];
  if (kind === 'PGP PRIVATE KEY BLOCK') body.push('Version: GnuPG v2', '');
  for (let i = r.int(6, 20); i > 0; i--) body.push(r.str(B64, 64));
  body.push(`${r.str(B64, r.int(4, 60))}=`);
  return [`-----BEGIN ${kind}-----`, ...body, `-----END ${kind}-----`].join(nl);
}
