import fc from 'fast-check';
import { formatFindings, maskSecret, scanText } from '../../../lib/secrets';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 36, maxLength: 36 });

/** Longest run of the secret's characters that survives in the text. */
function longestRevealed(secret: string, text: string): number {
  let best = 0;
  for (let i = 0; i < secret.length; i++)
    for (let j = i + best + 1; j <= secret.length && text.includes(secret.slice(i, j)); j++) best = j - i;
  return best;
}

describe('masking', () => {
  it('keeps at most the first 4 and last 2 characters of any secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (secret) => {
        const masked = maskSecret(secret);
        const kept = masked.replace(/\*/g, '');
        expect(kept.length).toBeLessThanOrEqual(6);
        expect(masked).not.toBe(secret);
        if (secret.length >= 16) expect(masked.startsWith(secret.slice(0, 4))).toBe(true);
      }),
    );
  });

  it('never shows more than 4 consecutive characters of a found token in the excerpt or the report', () => {
    fc.assert(
      fc.property(token, fc.integer({ min: 0, max: 200 }), (body, pad) => {
        const secret = `ghp_${body}`;
        const findings = scanText('x.ts', `${' '.repeat(pad)}const a = "${secret}", b = "${secret}";`);
        expect(findings.length).toBeGreaterThan(0);
        expect(longestRevealed(secret, formatFindings(findings))).toBeLessThanOrEqual(4);
      }),
      { numRuns: 200 },
    );
  });

  it('masks every secret on a line, not only the one the finding is about', () => {
    const gh = `ghp_${'Kx9mQ2wE7rT4'.repeat(3)}`;
    const npm = `npm_${'Zp3Lk8Vb1Nc6'.repeat(3)}`;
    const findings = scanText('x.env', `TOKENS=${gh},${npm}`);
    expect(findings.map((f) => f.rule)).toEqual(['github-token', 'npm-token']);
    for (const f of findings) {
      expect(f.excerpt).not.toContain(gh.slice(4, 12));
      expect(f.excerpt).not.toContain(npm.slice(4, 12));
    }
  });

  it('reports 1-based line and column of the secret', () => {
    const gh = `ghp_${'Kx9mQ2wE7rT4'.repeat(3)}`;
    expect(scanText('x.ts', `\n\n  const t = '${gh}';`)).toEqual([
      { file: 'x.ts', line: 3, column: 14, rule: 'github-token', excerpt: "const t = 'ghp_********T4';" },
    ]);
  });
});

describe('inline ignore comment', () => {
  const gh = `ghp_${'Kx9mQ2wE7rT4'.repeat(3)}`;

  it('suppresses a finding on the same line', () => {
    expect(scanText('a.ts', `const t = '${gh}'; // br-ignore-secret`)).toEqual([]);
  });

  it('suppresses a finding on the line below the comment only', () => {
    const findings = scanText('a.py', `# br-ignore-secret: fixture\nA = '${gh}'\nB = '${gh}'`);
    expect(findings.map((f) => f.line)).toEqual([3]);
  });
});
