import type { Reported } from './evaluate';

type LintSource = typeof import('@secretlint/core').lintSource;

// A real `import()` that transpilers leave alone: jest's swc transform would turn a plain one into
// require(), which cannot load these ESM-only packages.
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

/**
 * secretlint's recommended preset through its in-process core API (its CLI adds seconds of start-up
 * per run). The packages are ESM-only, hence the dynamic import.
 */
export async function loadSecretlint(): Promise<(file: string, content: string) => Promise<Reported[]>> {
  const { lintSource } = (await importEsm('@secretlint/core')) as { lintSource: LintSource };
  const { creator } = (await importEsm(
    '@secretlint/secretlint-rule-preset-recommend',
  )) as typeof import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: creator.meta.id, rule: creator }] };
  return async (file, content) => {
    const result = await lintSource({
      source: { filePath: `/corpus/${file}`, content, contentType: 'text' },
      options: { config, maskSecrets: true },
    });
    return result.messages.map((m) => ({ file, line: m.loc.start.line }));
  };
}
