import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hintFor } from '../../../lib/failure-hints';
import { checkSpecSize, firstInvalidUtf8, specText } from '../../../lib/planner/spec-input';
import { preloadServices } from '../../../mcp/server';
import { runBr } from '../../helpers/cli';
import { call, connectInMemory, exampleRepo } from '../../fixtures/mcp/support';

jest.setTimeout(120_000);

const refusal = (fn: () => unknown): { code?: string; message: string; hint?: string } => {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string; hint?: string };
  }
  throw new Error('expected a refusal');
};

describe('what a spec must be before a planner reads it', () => {
  it('refuses a spec over the limit with its size, the limit and the setting', () => {
    const e = refusal(() => checkSpecSize('BIG.md', 5 * 1024 * 1024, 2 * 1024 * 1024));
    expect(e.code).toBe('SPEC_TOO_LARGE');
    expect(e.message).toBe(
      "The spec BIG.md is 5.0 MiB (5242880 bytes), over the planner's limit of 2.0 MiB (planner.maxSpecBytes = 2097152).",
    );
    expect(e.hint).toMatch(/Split the spec .* or raise planner\.maxSpecBytes/);
    expect(() => checkSpecSize('OK.md', 2 * 1024 * 1024, 2 * 1024 * 1024)).not.toThrow();
  });

  it('calls a file with NUL bytes not a text file', () => {
    const e = refusal(() =>
      specText('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])),
    );
    expect(e.code).toBe('SPEC_NOT_TEXT');
    expect(e.message).toContain('is not a text file');
    expect(e.hint).not.toMatch(/Depends on/);
  });

  it('names the line of the first byte that is not UTF-8', () => {
    const latin1 = Buffer.concat([
      Buffer.from('# Café\n\n## Menu\n- [ ] Cr'),
      Buffer.from([0xe8]),
      Buffer.from('me\n'),
    ]);
    const e = refusal(() => specText('menu.md', latin1));
    expect(e.code).toBe('SPEC_NOT_UTF8');
    expect(e.message).toMatch(/is not UTF-8 \(line 4: byte 0xe8/);
    expect(e.hint).toMatch(/Save the spec as UTF-8/);
  });

  it('reads well-formed UTF-8 of every length and refuses overlong forms, surrogates and truncation', () => {
    expect(firstInvalidUtf8(Buffer.from('a é € 𝄞 ✓', 'utf8'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });

  it('says an empty spec, or one of prose only, has no headings or checklist items', () => {
    for (const text of ['', '  \n\n', 'We want a shop that sells tea.\nIt should be fast.\n']) {
      const e = refusal(() => specText('SPEC.md', Buffer.from(text)));
      expect(e.code).toBe('SPEC_EMPTY');
      expect(e.message).toContain('no headings or checklist items');
      expect(e.hint).toBe(hintFor('SPEC_EMPTY'));
    }
    expect(specText('SPEC.md', Buffer.from('- [ ] Sell tea\n'))).toBe('- [ ] Sell tea\n');
  });
});

describe('every planning command and the MCP tool refuse the same specs', () => {
  let repo: string;
  const br = (...argv: string[]) =>
    runBr(argv, { cwd: repo, env: { DATABASE_URL: undefined, ANTHROPIC_API_KEY: undefined } });

  beforeAll(async () => {
    await preloadServices();
    repo = exampleRepo({ project: 'todo-api', planner: { maxSpecBytes: 4096 } });
    writeFileSync(
      path.join(repo, 'BIG.md'),
      `# Big\n\n## Tasks\n${'- [ ] A task of the big spec\n'.repeat(200)}`,
    );
    writeFileSync(path.join(repo, 'EMPTY.md'), '');
    writeFileSync(path.join(repo, 'BINARY.md'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]));
    writeFileSync(
      path.join(repo, 'LATIN1.md'),
      Buffer.from('# Menu\n\n- [ ] Cr\xe8me br\xfbl\xe9e\n', 'latin1'),
    );
    writeFileSync(path.join(repo, 'PROSE.md'), '# Notes\n\n## Overview\nJust thoughts.\n');
  });

  const cases: [string, string, RegExp][] = [
    [
      'BIG.md',
      'SPEC_TOO_LARGE',
      /is 5\.\d KiB \(\d+ bytes\), over the planner's limit of 4\.0 KiB \(planner\.maxSpecBytes = 4096\)/,
    ],
    ['EMPTY.md', 'SPEC_EMPTY', /no headings or checklist items/],
    ['BINARY.md', 'SPEC_NOT_TEXT', /not a text file/],
    ['LATIN1.md', 'SPEC_NOT_UTF8', /not UTF-8 \(line 3/],
    ['PROSE.md', 'SPEC_NO_TASKS', /The plan has no tasks/],
  ];

  it.each(cases)(
    'br plan, build simulate, build start and gaps analyze refuse %s with %s',
    async (spec, code, message) => {
      for (const argv of [
        ['plan', spec, '--heuristic-plan', '--json'],
        ['build', 'simulate', spec, '--runs', '1', '--json'],
        ['build', 'start', spec, '--heuristic-plan', '--json'],
        ['gaps', 'analyze', spec, '--json'],
      ]) {
        const r = await br(...argv);
        const said = `${argv.join(' ')} → ${r.code} ${r.stdout}${r.stderr}`;
        if (code === 'SPEC_NO_TASKS' && argv[0] === 'gaps') continue;
        expect({ said, refused: r.code !== 0 }).toEqual({ said, refused: true });
        expect(said).toMatch(message);
        expect(said).toContain(`"code":"${code}"`);
        expect(said).not.toMatch(/Depends on/);
      }
    },
  );

  it('the MCP br_plan tool refuses a spec over the limit at once, with what to do', async () => {
    const client = await connectInMemory(repo);
    try {
      const started = Date.now();
      const big = await call(client, 'br_plan', { spec: 'BIG.md' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(big.result.isError).toBe(true);
      expect(JSON.stringify(big.result.content)).toMatch(/over the planner's limit .*planner\.maxSpecBytes/);
      expect(JSON.stringify(big.result.content)).toMatch(/Split the spec/);
      const binary = await call(client, 'br_plan', { spec: 'BINARY.md' });
      expect(JSON.stringify(binary.result.content)).toMatch(/not a text file/);
    } finally {
      await client.close();
    }
  });
});
