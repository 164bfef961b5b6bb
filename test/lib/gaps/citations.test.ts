import { citationsIn } from '../../../lib/gaps';

/**
 * The gap report reads the test files of the build branch (written by the model) on the worker's
 * thread, so citationsIn must stay linear in a file's size: each case below held the event loop for
 * 23 s to 80 s (or more) before, on files far below the reader's 16 MB cap.
 */

function timed<T>(work: () => T): { result: T; ms: number } {
  const t = Date.now();
  const result = work();
  return { result, ms: Date.now() - t };
}

describe('citationsIn on a hostile test file', () => {
  it('finds line numbers and describe-wide citations of 40,000 tests in linear time', () => {
    const source = `// @req R1\ndescribe('x', () => {\n${"it('a', () => {});\n".repeat(40_000)}});\n`;
    const { result, ms } = timed(() => citationsIn('t.test.ts', source));
    expect(ms).toBeLessThan(2000);
    expect(result).toHaveLength(20_000);
    expect(result[0]).toEqual({ file: 't.test.ts', name: 'a', line: 3, requirementIds: ['R1'] });
    expect(result[19_999]!.line).toBe(20_002);
  });

  it('does not scan to the end of the file for every unclosed quote', () => {
    const source = `// @req R1\n${'it(`x\n'.repeat(32_000)}`;
    const { ms } = timed(() => citationsIn('t.test.ts', source));
    expect(ms).toBeLessThan(2000);
  });

  it('reads a line of thousands of tags and ids without quadratic work', () => {
    const ids = Array.from({ length: 32_000 }, (_, i) => `R${i}`).join(', ');
    const many = `it(\`${'@req R1 '.repeat(2_000_000)}`;
    const one = timed(() => citationsIn('t.test.ts', `// @req ${ids}\nit('a')\n`));
    const two = timed(() => citationsIn('t.test.ts', many));
    expect(one.ms + two.ms).toBeLessThan(3000);
    expect(one.result[0]!.requirementIds.length).toBeLessThanOrEqual(100);
    expect(one.result[0]!.requirementIds).toContain('R1');
  });

  it('still cites by name, by a comment above a test, and above a describe', () => {
    const source = [
      "it('logs in @req R2.1, login.ac2', () => {});",
      '// @req login.e1',
      "test('rate limits', () => {});",
      '/* @req R9 */',
      "describe('suite', () => {",
      "  it('one', () => {}); // @req R10",
      '  it("two", () => {});',
      '});',
    ].join('\n');
    expect(citationsIn('t.test.js', source).map((c) => [c.name, c.line, c.requirementIds])).toEqual([
      ['logs in @req R2.1, login.ac2', 1, ['R2.1', 'login.ac2']],
      ['rate limits', 3, ['login.e1']],
      ['one', 6, ['R9']],
      ['two', 7, ['R10', 'R9']],
    ]);
  });
});
