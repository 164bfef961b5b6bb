import { mkdtempSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { executeTool, type ToolContext } from '../../../../activities/claude/agent/tools';
import { longestStall } from '../../../fixtures/attack-kit';
import { testPolicy } from '../../../fixtures/sandbox/policy';

/** search_files runs the model's regular expression on the worker's own thread. */
describe("the agent's search tool", () => {
  let base: string;
  let ctx: ToolContext;
  beforeEach(() => {
    base = mkdtempSync(path.join(tmpdir(), 'br-review-tools-'));
    ctx = { root: realpathSync(base), allowedCommands: [], sandbox: testPolicy() };
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('keeps the worker responsive on a pattern that backtracks catastrophically', async () => {
    // A backtracking engine takes seconds per line here (and forever on a longer one).
    writeFileSync(path.join(base, 'a.txt'), `${'a'.repeat(26)}!\n`.repeat(4));
    const { result, stallMs } = await longestStall(() =>
      executeTool('search_files', { pattern: '(a+)+$' }, ctx),
    );
    expect(result).toEqual({ content: 'No matches.', isError: false });
    expect(stallMs).toBeLessThan(1000);
  }, 120_000);

  it('keeps the worker responsive on a large pattern over a long line, and says the search stopped', async () => {
    // RE2 is linear in the text but times the pattern's size. 20,000 characters took 3.0 s on this
    // machine, right at the deadline (a clean-clone CI run saw the search end just inside it);
    // 200,000 take about 35 s, so the 3 s deadline always stops it, on any machine of this kind.
    writeFileSync(path.join(base, 'long.txt'), `${'a'.repeat(200_000)}\n`);
    writeFileSync(path.join(base, 'hit.txt'), 'found here\n');
    const pattern = `found|${'[ab]{1000}'.repeat(10)}[bc]`;
    const { result, stallMs } = await longestStall(() =>
      executeTool('search_files', { pattern }, { ...ctx, searchTimeoutMs: 3000 }),
    );
    expect(stallMs).toBeLessThan(1000);
    expect((result as { content: string }).content).toMatch(
      /^hit\.txt:1: found here\n… the search stopped after 3 s/,
    );
  }, 120_000);

  it('still finds what an ordinary pattern matches, and refuses what it cannot run with a clear message', async () => {
    writeFileSync(path.join(base, 'b.ts'), 'const x = 1;\nexport function total() {}\n');
    const found = await executeTool('search_files', { pattern: '^export\\s+function\\s+(\\w+)' }, ctx);
    expect(found).toEqual({ content: 'b.ts:2: export function total() {}', isError: false });
    const bad = await executeTool('search_files', { pattern: '(' }, ctx);
    expect(bad.isError).toBe(true);
    expect(bad.content).toMatch(/^Invalid regular expression/);
  });
});

describe("the agent's file tools on a huge file", () => {
  it('refuse a file as large as the sandbox may write, without reading it into the worker', async () => {
    const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'br-review-tools-')));
    try {
      // Sparse: 600 MB that take no disk, as a sandboxed command may leave them (fileSizeMb is 1 GB).
      writeFileSync(path.join(base, 'big.txt'), '');
      truncateSync(path.join(base, 'big.txt'), 600 * 1024 * 1024);
      const ctx: ToolContext = { root: base, allowedCommands: [], sandbox: testPolicy() };
      for (const [name, input] of [
        ['read_file', { path: 'big.txt' }],
        ['edit_file', { path: 'big.txt', old_string: 'x', new_string: 'y' }],
      ] as const) {
        const rss = process.memoryUsage().rss;
        const { result, stallMs } = await longestStall(() => executeTool(name, input, ctx));
        expect(result).toEqual({
          content: expect.stringMatching(/^The file is 629145600 bytes/),
          isError: true,
        });
        expect(stallMs).toBeLessThan(500);
        expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
