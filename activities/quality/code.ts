import { existsSync } from 'node:fs';
import path from 'node:path';
import { Detector, getDefaultOptions, MemoryStore, type IClone, type IMapFrame } from '@jscpd/core';
import { getFormatByFile, Tokenizer } from '@jscpd/tokenizer';
import { runCommand } from '../../lib/command';
import { isChanged, readText, type ChangedLines } from './files';

/**
 * Code measurements with the tools the ecosystem trusts: tsc for type errors, the repository's own
 * ESLint configuration for lint errors, SonarSource's cognitive-complexity rule (eslint-plugin-sonarjs)
 * and jscpd's detector for duplicated lines. Files are always taken in sorted order.
 */

const ESLINT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'];

export async function typeErrors(repo: string, changed: ChangedLines | null): Promise<number | null> {
  if (!existsSync(path.join(repo, 'tsconfig.json'))) return null;
  let tsc: string;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [repo, __dirname] });
  } catch {
    return null;
  }
  const run = await runCommand(
    `"${process.execPath}" "${tsc}" --noEmit --pretty false -p tsconfig.json`,
    repo,
    900,
  );
  let count = 0;
  for (const m of run.output.matchAll(/^(.+?)\((\d+),\d+\): error TS\d+/gm))
    if (isChanged(changed, m[1]!.replace(/\\/g, '/'), Number(m[2]))) count += 1;
  return count;
}

interface LintMessage {
  ruleId: string | null;
  severity: number;
  line: number;
}

async function lint(
  repo: string,
  files: string[],
  options: import('eslint').ESLint.Options,
): Promise<{ file: string; messages: LintMessage[] }[]> {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: repo, errorOnUnmatchedPattern: false, ...options });
  const results = await eslint.lintFiles(files);
  return results
    .map((r) => ({ file: path.relative(repo, r.filePath).replace(/\\/g, '/'), messages: r.messages }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

export async function lintErrors(
  repo: string,
  files: string[],
  changed: ChangedLines | null,
): Promise<number | null> {
  if (!ESLINT_CONFIGS.some((f) => existsSync(path.join(repo, f))) || !files.length) return null;
  let count = 0;
  for (const r of await lint(repo, files, {}))
    count += r.messages.filter((m) => m.severity === 2 && isChanged(changed, r.file, m.line)).length;
  return count;
}

export async function complexFunctions(
  repo: string,
  files: string[],
  limit: number,
  changed: ChangedLines | null,
): Promise<number | null> {
  if (!files.length) return null;
  const [{ default: sonarjs }, tseslint] = await Promise.all([
    import('eslint-plugin-sonarjs'),
    import('typescript-eslint'),
  ]);
  const results = await lint(repo, files, {
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
        languageOptions: { parser: tseslint.parser },
        plugins: { sonarjs },
        rules: { 'sonarjs/cognitive-complexity': ['error', limit] },
        linterOptions: { reportUnusedDisableDirectives: 'off', noInlineConfig: true },
      },
    ],
  });
  let count = 0;
  for (const r of results)
    count += r.messages.filter(
      (m) => m.ruleId === 'sonarjs/cognitive-complexity' && isChanged(changed, r.file, m.line),
    ).length;
  return count;
}

/** Duplicated lines (jscpd's detector, its default 5 lines / 50 tokens minimum) over all lines. */
export async function duplication(
  repo: string,
  files: string[],
  changed: ChangedLines | null,
): Promise<{ duplicatedLines: number; totalLines: number } | null> {
  const options = { ...getDefaultOptions(), silent: true, reporters: [] as string[] };
  const detector = new Detector(new Tokenizer(), new MemoryStore<IMapFrame>(), [], options);
  const duplicated = new Map<string, Set<number>>();
  let totalLines = 0;
  const mark = (file: string, from: number, to: number) => {
    const set = duplicated.get(file) ?? new Set<number>();
    for (let l = from; l <= to; l++) if (isChanged(changed, file, l)) set.add(l);
    duplicated.set(file, set);
  };
  let measured = 0;
  for (const file of [...files].sort()) {
    const format = getFormatByFile(file, {});
    if (!format) continue;
    const text = readText(repo, file);
    const lines = text.split('\n').length;
    for (let l = 1; l <= lines; l++) if (isChanged(changed, file, l)) totalLines += 1;
    measured += 1;
    const clones: IClone[] = await detector.detect(file, text, format);
    for (const c of clones) {
      mark(c.duplicationA.sourceId, c.duplicationA.start.line, c.duplicationA.end.line);
      mark(c.duplicationB.sourceId, c.duplicationB.start.line, c.duplicationB.end.line);
    }
  }
  if (!measured || !totalLines) return null;
  let duplicatedLines = 0;
  for (const set of duplicated.values()) duplicatedLines += set.size;
  return { duplicatedLines, totalLines };
}
