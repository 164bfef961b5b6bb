import { randomBytes } from 'node:crypto';
import { redactSecrets, scanText } from '../../../lib/secrets';
import { isAllowedValue, shannonEntropy } from '../../../lib/secrets/allow';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * `n` AWS-key-shaped lines, built at run time. Each character differs from the one before by more
 * than one, so no key is a run the placeholder check would rightly skip (`AAAAAA`, `ABCDE`).
 */
function keyLines(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = randomBytes(16);
    let id = 'AKIA';
    let prev = -9;
    for (const b of bytes) {
      let c = b & 31;
      while (Math.abs(c - prev) <= 1) c = (c + 3) & 31;
      id += BASE32[c];
      prev = c;
    }
    // A random key can spell a placeholder word (`YOUR`) or repeat a few letters, which the scanner
    // rightly lets pass.
    if (isAllowedValue(id) || isAllowedValue(id.slice(4)) || shannonEntropy(id) < 3.5) i--;
    else lines.push(id);
  }
  return lines.join('\n');
}

describe('masking large output', () => {
  // 100,000 key-shaped lines (2 MB). The quadratic version took about 40 s on this input unloaded (6 s
  // at 40,000 lines); linear work takes about a second, several on a loaded machine, so the generous
  // bound catches a return to quadratic work without failing on a busy one.
  it('masks 100,000 key-shaped lines in far less than the heartbeat timeout, every one of them', () => {
    const text = keyLines(100_000);
    const started = Date.now();
    const masked = redactSecrets(text);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(30);
    const lines = masked.split('\n');
    expect(lines).toHaveLength(100_000);
    expect(lines.filter((l) => !/^AKIA\*{8}[A-Z2-7]{2}$/.test(l))).toEqual([]);
  }, 90_000);

  it('reports every key of a large file once, with its line, in far less than the heartbeat timeout', () => {
    const text = keyLines(50_000);
    const started = Date.now();
    const findings = scanText('keys.txt', text);
    expect((Date.now() - started) / 1000).toBeLessThan(30);
    expect(findings).toHaveLength(50_000);
    expect(findings[49_999]!.line).toBe(50_000);
  }, 90_000);
});
