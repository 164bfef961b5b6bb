import type { Reported } from './evaluate';

type LintSource = typeof import('@secretlint/core').lintSource;

/**
 * secretlint's recommended preset through its in-process core API (its CLI adds seconds of start-up
 * per run). The packages are ESM-only, hence the dynamic import.
 */
export async function loadSecretlint(): Promise<(file: string, content: string) => Promise<Reported[]>> {
  const { lintSource }: { lintSource: LintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: creator.meta.id, rule: creator }] };
  return async (file, content) => {
    const result = await lintSource({
      source: { filePath: `/corpus/${file}`, content, contentType: 'text' },
      options: { config, maskSecrets: true },
    });
    return result.messages.map((m) => ({ file, line: m.loc.start.line }));
  };
}
