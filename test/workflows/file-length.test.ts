import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Workflow code is read against its recorded histories, so each file stays short enough to read whole
 * (issue 26: no workflow file over 250 lines). A file that grows past it is split by concern.
 */
const WORKFLOWS = path.join(__dirname, '../../workflows');
const LIMIT = 250;

/** Lines as an editor numbers them: a final newline does not start another line. */
function lineCount(text: string): number {
  if (!text) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** Each file under `dir` longer than `limit` lines, as "relative/path: N lines". */
function overLimit(dir: string, limit: number): string[] {
  return files(dir)
    .map((file) => ({ file, lines: lineCount(readFileSync(file, 'utf8')) }))
    .filter((f) => f.lines > limit)
    .map((f) => `${path.relative(dir, f.file)}: ${f.lines} lines`);
}

describe('workflow file length', () => {
  it(`keeps every file under workflows/ at ${LIMIT} lines or fewer`, () => {
    expect(files(WORKFLOWS).length).toBeGreaterThan(20);
    expect(overLimit(WORKFLOWS, LIMIT)).toEqual([]);
  });

  it('reports a planted file one line over the limit, in a subfolder, and not one at the limit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'br-file-length-'));
    try {
      mkdirSync(path.join(dir, 'core'));
      const lines = (n: number) => Array.from({ length: n }, (_, i) => `const x${i} = ${i};\n`).join('');
      writeFileSync(path.join(dir, 'at-limit.ts'), lines(LIMIT));
      writeFileSync(path.join(dir, 'no-final-newline.ts'), lines(LIMIT).slice(0, -1));
      writeFileSync(path.join(dir, 'core', 'too-long.ts'), lines(LIMIT + 1));
      expect(overLimit(dir, LIMIT)).toEqual([`core/too-long.ts: ${LIMIT + 1} lines`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
