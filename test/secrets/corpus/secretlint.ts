import type { Reported } from './evaluate';

type LintSource = typeof import('@secretlint/core').lintSource;

// A real `import()` that transpilers leave alone: jest's swc transform would turn a plain one into
// require(), which cannot load these ESM-only packages.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- constant source, see above
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

/**
 * secretlint's recommended preset through its in-process core API (its CLI adds seconds of start-up
 * per run). The packages are ESM-only, hence the dynamic import.
 */
export async function loadSecretlint(): Promise<(file: string, content: string) => Promise<Reported[]>> {
  const core = await importEsm('@secretlint/core').catch((err: unknown) => {
    throw new Error(
      `Cannot load secretlint (ESM) here: ${String(err)}. Under jest run \`npm test -- test/secrets\` (it passes --experimental-vm-modules).`,
    );
  });
  const { lintSource } = core as { lintSource: LintSource };
  const { creator } = (await importEsm(
    '@secretlint/secretlint-rule-preset-recommend',
  )) as typeof import('@secretlint/secretlint-rule-preset-recommend');
  const { secretLintProfiler } = (await importEsm('@secretlint/profiler')) as {
    secretLintProfiler: { entries: unknown[]; measures: unknown[] };
  };
  const config = { rules: [{ id: creator.meta.id, rule: creator }] };
  return async (file, content) => {
    const result = await lintSource({
      source: { filePath: `/corpus/${file}`, content, contentType: 'text' },
      options: { config, maskSecrets: true },
    });
    // secretlint's always-on profiler keeps every performance mark and searches them linearly in a
    // PerformanceObserver callback that runs after lintSource resolves: over thousands of files that
    // is quadratic and keeps the CPU busy for minutes after the last file. Let the callback run here
    // (so its per-file cost is counted) and then drop the marks, which is secretlint at its fastest.
    await new Promise((resolve) => setImmediate(resolve));
    performance.clearMarks();
    performance.clearMeasures();
    secretLintProfiler.entries.length = 0;
    secretLintProfiler.measures.length = 0;
    return result.messages.map((m) => ({ file, line: m.loc.start.line }));
  };
}
