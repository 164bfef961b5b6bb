import { RULE_IDS, scanText } from '../../../lib/secrets';
import { NEGATIVES } from '../../fixtures/secrets/corpus/negatives';
import { POSITIVES } from '../../fixtures/secrets/corpus/positives';
import { Rng } from '../../fixtures/secrets/corpus/rng';

const EXPECTED_RULE: Record<string, string> = {
  'aws-access-key-id': 'aws-access-key-id',
  'aws-secret-access-key': 'aws-secret-access-key',
  'gcp-api-key': 'gcp-api-key',
  'gcp-service-account': 'private-key',
  'azure-storage': 'azure-storage-key',
  'github-token': 'github-token',
  'github-fine-grained': 'github-fine-grained-token',
  gitlab: 'gitlab-token',
  'slack-token': 'slack-token',
  'slack-webhook': 'slack-webhook',
  'discord-bot-token': 'discord-bot-token',
  'discord-webhook': 'discord-webhook',
  stripe: 'stripe-live-key',
  'twilio-api-key': 'twilio-api-key',
  'twilio-auth-token': 'twilio-auth-token',
  sendgrid: 'sendgrid-api-key',
  mailgun: 'mailgun-api-key',
  anthropic: 'anthropic-api-key',
  openai: 'openai-api-key',
  'openai-legacy': 'openai-api-key',
  huggingface: 'huggingface-token',
  npm: 'npm-token',
  pypi: 'pypi-token',
  'docker-hub': 'docker-hub-token',
  shopify: 'shopify-token',
  jwt: 'jwt',
  'private-key': 'private-key',
  'pgp-private-key': 'private-key',
  'connection-url': 'connection-url-credentials',
  'generic-password': 'generic-secret-assignment',
  'generic-api-key': 'generic-secret-assignment',
};

function render(name: string, value: string, style: number): string {
  return [
    `const ${name.replace(/\W/g, '_')} = "${value}";`,
    `${name.replace(/\W/g, '_').toUpperCase()}=${value}`,
    `  ${name}: '${value}'`,
  ][style % 3]!;
}

describe('provider and generic rules', () => {
  it('has an expectation for every corpus family and every expected rule exists', () => {
    expect(Object.keys(EXPECTED_RULE).sort()).toEqual(Object.keys(POSITIVES).sort());
    for (const rule of Object.values(EXPECTED_RULE)) expect(RULE_IDS).toContain(rule);
  });

  describe.each(Object.entries(EXPECTED_RULE))('%s', (kind, rule) => {
    it(`is reported as ${rule} on its line, in code, .env and YAML styles`, () => {
      const rng = new Rng(kind.length * 7919);
      for (let i = 0; i < 6; i++) {
        const planted = POSITIVES[kind]!(rng);
        const text = planted.lines ?? [render(planted.name, planted.value, i)];
        const content = ['// header', 'import x from "y";', ...text, 'export default x;'].join('\n');
        const findings = scanText('file.ts', content);
        expect(findings).toEqual([expect.objectContaining({ rule, line: 3, file: 'file.ts' })]);
      }
    });
  });

  describe.each(Object.keys(NEGATIVES))('look-alike %s', (kind) => {
    it('is not reported', () => {
      const rng = new Rng(kind.length * 104729);
      for (let i = 0; i < 12; i++) {
        const item = NEGATIVES[kind]!(rng);
        const content = (item.lines ?? [render(item.name, item.value, i)]).join('\n');
        expect(scanText('file.py', content)).toEqual([]);
      }
    });
  });

  it('does not report Stripe test-mode keys but does report live ones', () => {
    const tail = 'a1B2c3D4e5F6g7H8i9J0kLmN';
    expect(scanText('a.ts', `stripe = "sk_${'test'}_${tail}"`)).toEqual([]);
    expect(scanText('a.ts', `stripe = "sk_${'live'}_${tail}"`)).toHaveLength(1);
  });

  it('skips lockfiles entirely and allows integrity hashes elsewhere', () => {
    const secret = `ghp_${'a1B2c3D4e5'.repeat(3)}Zz9Yy8`;
    expect(scanText('sub/package-lock.json', `"token": "${secret}"`)).toEqual([]);
    expect(scanText('yarn.lock', `x "${secret}"`)).toEqual([]);
    expect(scanText('package.json', `"integrity_token": "sha512-${'Qw3rTy8uIo'.repeat(9)}=="`)).toEqual([]);
  });

  it('does not report passwords in URLs that are placeholders, variables or equal to the user name', () => {
    for (const url of [
      'postgres://app:${DB_PASS}@db/app',
      'mysql://root:password@localhost/x',
      'redis://u:$REDIS_PW@h',
      'postgres://postgres:postgres@localhost/test',
      'amqp://guest:<pass>@mq',
    ]) {
      expect(scanText('a.yaml', `url: ${url}`)).toEqual([]);
    }
    expect(scanText('a.yaml', 'url: postgres://app:Zx8' + 'vQ2mKp9Lw@db/app')).toHaveLength(1);
  });

  it('reports a private key whose body sits in a JSON string with escaped newlines', () => {
    const body =
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' + 'BKcwggSjAgEAAoIBAQC7vbqajDw4o6gJy8UtmIbkcpnkO3Kwc4qsEnSZp';
    const content = `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n"}`;
    expect(scanText('sa.json', content)).toEqual([expect.objectContaining({ rule: 'private-key', line: 1 })]);
  });

  it('reports one finding when a specific rule and the generic rule match the same value', () => {
    const token = `ghp_${'Qw3rTy8uIo'.repeat(3)}Pa5sDf`;
    expect(scanText('a.ts', `const api_token = "${token}";`)).toEqual([
      expect.objectContaining({ rule: 'github-token' }),
    ]);
  });
});
