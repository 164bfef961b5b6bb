import { randomBytes } from 'node:crypto';
import { redactSecrets } from '../../../lib/secrets';

// Built at run time: nothing shaped like a real key is committed.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n: number) => [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');
const apiKey = `sk-ant-api03-${random(93)}AA`;
const configured = `cfg${random(29)}`;
const github = `ghp_${random(36)}`;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');
const pctAll = (s: string) => hex(s).replace(/(..)/g, '%$1');

/** Every 12-character window of the secret and of its plain encodings that must not survive. */
function assertHidden(out: string, secret: string): void {
  for (const form of [secret, b64(secret), hex(secret), hex(secret).toUpperCase()])
    for (let i = 0; i + 12 <= form.length; i += 4) expect(out).not.toContain(form.slice(i, i + 12));
}

describe('secrets in encoded output', () => {
  it.each([
    ['base64', (k: string) => b64(k)],
    ['base64 after one byte (second alignment)', (k: string) => b64(`x${k}`)],
    ['base64 after two bytes (third alignment)', (k: string) => b64(`xy${k}`)],
    ['url-safe base64 inside a header', (k: string) => b64url(`Authorization: Bearer ${k}`)],
    ['lower-case hex', (k: string) => hex(k)],
    ['upper-case hex', (k: string) => hex(k).toUpperCase()],
    ['every byte percent-encoded', (k: string) => pctAll(k)],
    ['upper-case percent-encoding', (k: string) => pctAll(k).toUpperCase()],
    ['base64 of hex', (k: string) => b64(hex(k))],
  ])('masks the known API key and a configured token in %s', (_how, encode) => {
    for (const secret of [apiKey, configured]) {
      const out = redactSecrets(`before ${encode(secret)} after`, [apiKey, configured]);
      expect(out.startsWith('before ')).toBe(true);
      expect(out.endsWith(' after')).toBe(true);
      expect(out).toContain('****');
      const decodedAgain = Buffer.from(out.slice(7, -6), 'base64').toString('latin1');
      expect(decodedAgain).not.toContain(secret.slice(10, 30));
      assertHidden(out, secret);
    }
  });

  it.each([
    ['base64', () => b64(`token: ${github}`)],
    ['hex', () => hex(github)],
    [
      'percent-encoding mixed with plain text',
      () => encodeURIComponent(`a b ${github}`).replace(/_/g, '%5F'),
    ],
    ['base64 of base64 of base64', () => b64(b64(b64(github)))],
  ])('finds a token the scanner knows, without being told it, through %s', (_how, make) => {
    const out = redactSecrets(`log: ${make()} end`);
    expect(out).toContain('****');
    assertHidden(out, github);
  });

  it('leaves encoded text that holds no secret as it was', () => {
    const text = `img ${b64('just a sentence about the weather, nothing more')} and ${hex('plain words here, too long for less')}`;
    expect(redactSecrets(text)).toBe(text);
  });
});
