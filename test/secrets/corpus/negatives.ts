import { ALNUM, B64, DIGITS, HEX, LOWER, Rng } from './rng';

/** A look-alike that must not be reported: same slots and shapes as real secrets, harmless content. */
export interface LookAlike {
  kind: string;
  name: string;
  value: string;
  /** Exact text instead of a rendered assignment. */
  lines?: string[];
}

function uuid(r: Rng): string {
  const h = (n: number) => r.str(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${r.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

export const NEGATIVES: Record<string, (r: Rng) => LookAlike> = {
  'placeholder-token': (r) => ({
    kind: 'placeholder',
    name: r.pick(['GITHUB_TOKEN', 'OPENAI_API_KEY', 'STRIPE_SECRET_KEY', 'api_key']),
    value: r.pick([
      `ghp_${'x'.repeat(36)}`,
      '<your-api-key>',
      'YOUR_API_KEY_HERE',
      'changeme',
      `sk-proj-${'X'.repeat(48)}`,
      `sk_live_${'0'.repeat(24)}`,
      'replace-me-with-a-real-token',
      '********',
    ]),
  }),
  'placeholder-password': (r) => ({
    kind: 'placeholder',
    name: r.pick(['password', 'DB_PASSWORD']),
    value: r.pick(['changeme', 'your-password', '<password>', 'xxxxxxxx', 'example-password']),
  }),
  'documented-example': (r) =>
    r.pick([
      { kind: 'example', name: 'aws_access_key_id', value: 'AKIAIOSFODNN7' + 'EXAMPLE' },
      {
        kind: 'example',
        name: 'aws_secret_access_key',
        value: 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY',
      },
    ]),
  'stripe-test-key': (r) => ({
    kind: 'stripe-test',
    name: 'STRIPE_TEST_KEY',
    value: `sk_test_${r.str(ALNUM, 24)}`,
  }),
  'env-reference': (r) =>
    r.pick([
      { kind: 'env', name: '', value: '', lines: ['const token = process.env.GITHUB_TOKEN;'] },
      { kind: 'env', name: '', value: '', lines: ['api_key = os.environ["OPENAI_API_KEY"]'] },
      { kind: 'env', name: 'password', value: '${DB_PASSWORD}' },
      { kind: 'env', name: 'DATABASE_URL', value: 'postgres://app:${DB_PASS}@db.internal:5432/app' },
      { kind: 'env', name: 'secret', value: '{{ .Values.apiSecret }}' },
      { kind: 'env', name: '', value: '', lines: ['token := os.Getenv("SLACK_BOT_TOKEN")'] },
    ]),
  'placeholder-url': (r) => ({
    kind: 'placeholder',
    name: 'DATABASE_URL',
    value: r.pick([
      'postgres://user:password@localhost:5432/app',
      'mysql://root:<password>@127.0.0.1/app',
      'redis://:****@cache:6379',
      'https://api.example.com/v1',
    ]),
  }),
  'integrity-hash': (r) => ({ kind: 'integrity', name: 'integrity', value: `sha512-${r.str(B64, 86)}==` }),
  uuid: (r) => ({
    kind: 'uuid',
    name: r.pick(['request_id', 'tenantId', 'correlation_id', 'id']),
    value: uuid(r),
  }),
  'git-sha': (r) => ({
    kind: 'git-sha',
    name: r.pick(['commit', 'REVISION', 'baseSha']),
    value: r.str(HEX, 40),
  }),
  checksum: (r) => ({
    kind: 'hash',
    name: r.pick(['checksum', 'sha256', 'digest', 'etag']),
    value: r.str(HEX, 64),
  }),
  'base64-image': (r) => ({
    kind: 'base64-image',
    name: 'logo',
    value: `data:image/png;base64,iVBORw0KGgo${r.str(B64, r.int(80, 400))}=`,
  }),
  'public-key': (r) => ({
    kind: 'public-key',
    name: 'ssh_public_key',
    value: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.str(B64, 43)} deploy@ci`,
  }),
  'token-metadata': (r) =>
    r.pick([
      { kind: 'metadata', name: 'token_type', value: 'Bearer' },
      { kind: 'metadata', name: 'max_tokens', value: '4096' },
      { kind: 'metadata', name: 'secretName', value: `prod/${r.str(LOWER, 6)}/db-password` },
      { kind: 'metadata', name: 'passwordField', value: 'password-input' },
      { kind: 'metadata', name: 'tokenUrl', value: 'https://oauth2.googleapis.com/token' },
    ]),
  'code-using-secrets': (r) =>
    r.pick([
      { kind: 'code', name: '', value: '', lines: ['const tokenizer = new Tokenizer({ lowercase: true });'] },
      {
        kind: 'code',
        name: '',
        value: '',
        lines: ["if (!password) throw new Error('password is required');"],
      },
      { kind: 'code', name: '', value: '', lines: ['password = getpass.getpass("Password: ")'] },
      { kind: 'code', name: '', value: '', lines: ['secret, err := client.GetSecret(ctx, secretID)'] },
      { kind: 'code', name: 'apiKey', value: 'config.apiKey' },
    ]),
  'random-identifier': (r) => ({
    kind: 'high-entropy',
    name: r.pick(['cacheKey', 'build_id', 'nonce_seed', 'trace']),
    value: r.str(ALNUM, r.int(20, 40)),
  }),
  'jwt-example': () => ({
    kind: 'example',
    name: 'token',
    // The jwt.io sample token, assembled here so no token-shaped literal is committed.
    value: [
      { alg: 'HS256', typ: 'JWT' },
      { sub: '1234567890', name: 'John Doe', iat: 1516239022 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_' + 'adQssw5c')
      .join('.'),
  }),
  'doc-key-block': () => ({
    kind: 'placeholder',
    name: '',
    value: '',
    lines: ['-----BEGIN RSA PRIVATE KEY-----', '...', '-----END RSA PRIVATE KEY-----'],
  }),
  'phone-or-number': (r) => ({
    kind: 'number',
    name: r.pick(['accountNumber', 'port', 'timeout_ms']),
    value: r.str(DIGITS, r.int(4, 12)),
  }),
};
