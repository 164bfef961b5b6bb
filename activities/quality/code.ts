import { existsSync } from 'node:fs';
import path from 'node:path';
import { Detector, getDefaultOptions, MemoryStore, type IClone, type IMapFrame } from '@jscpd/core';
import { getFormatByFile, Tokenizer } from '@jscpd/tokenizer';
import { runCommand } from '../command';
import { isChanged, readText, type ChangedLines } from './files';

/**
 * Code measurements with the tools the ecosystem trusts: tsc for type errors, the repository's own
 * ESLint configuration for lint errors, SonarSource's cognitive-complexity rule (eslint-plugin-sonarjs)
 * and jscpd's detector for duplicated lines. Files are always taken in sorted order.
 */

const ESLINT_CONFIGS = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'];

/** A located problem on a changed line: what the quality gate feeds back to the agent. */
export interface Located {
  file: string;
  line: number;
  message: string;
}

export async function typeErrorsAt(repo: string, changed: ChangedLines | null): Promise<Located[] | null> {
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
  const found: Located[] = [];
  for (const m of run.output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/gm)) {
    const file = m[1]!.replace(/\\/g, '/');
    if (isChanged(changed, file, Number(m[2]))) found.push({ file, line: Number(m[2]), message: m[3]! });
  }
  return found;
}

export async function typeErrors(repo: string, changed: ChangedLines | null): Promise<number | null> {
  return (await typeErrorsAt(repo, changed))?.length ?? null;
}

interface LintMessage {
  ruleId: string | null;
  severity: number;
  line: number;
  message: string;
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

export async function lintErrorsAt(
  repo: string,
  files: string[],
  changed: ChangedLines | null,
): Promise<Located[] | null> {
  if (!ESLINT_CONFIGS.some((f) => existsSync(path.join(repo, f))) || !files.length) return null;
  const found: Located[] = [];
  for (const r of await lint(repo, files, {}))
    for (const m of r.messages)
      if (m.severity === 2 && isChanged(changed, r.file, m.line))
        found.push({
          file: r.file,
          line: m.line,
          message: `${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}`,
        });
  return found;
}

export async function lintErrors(
  repo: string,
  files: string[],
  changed: ChangedLines | null,
): Promise<number | null> {
  return (await lintErrorsAt(repo, files, changed))?.length ?? null;
}

export async function complexFunctionsAt(
  repo: string,
  files: string[],
  limit: number,
  changed: ChangedLines | null,
): Promise<Located[] | null> {
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
  const found: Located[] = [];
  for (const r of results)
    for (const m of r.messages)
      if (m.ruleId === 'sonarjs/cognitive-complexity' && isChanged(changed, r.file, m.line))
        found.push({ file: r.file, line: m.line, message: m.message });
  return found;
}

export async function complexFunctions(
  repo: string,
  files: string[],
  limit: number,
  changed: ChangedLines | null,
): Promise<number | null> {
  return (await complexFunctionsAt(repo, files, limit, changed))?.length ?? null;
}

/** Duplicated lines (jscpd's detector, its default 5 lines / 50 tokens minimum) over all lines. */
export async function duplication(
  repo: string,
  files: string[],
  changed: ChangedLines | null,
): Promise<{ duplicatedLines: number; totalLines: number } | null> {
  const r = await duplicationAt(repo, files, changed);
  return r && { duplicatedLines: r.duplicatedLines, totalLines: r.totalLines };
}

/** As duplication(), with each clone that touches a changed line as a finding. */
export async function duplicationAt(
  repo: string,
  files: string[],
  changed: ChangedLines | null,
): Promise<{ duplicatedLines: number; totalLines: number; clones: Located[] } | null> {
  const options = { ...getDefaultOptions(), silent: true, reporters: [] as string[] };
  const detector = new Detector(new Tokenizer(), new MemoryStore<IMapFrame>(), [], options);
  const duplicated = new Map<string, Set<number>>();
  const clones: Located[] = [];
  let totalLines = 0;
  const mark = (file: string, from: number, to: number) => {
    const set = duplicated.get(file) ?? new Set<number>();
    let touched = false;
    for (let l = from; l <= to; l++)
      if (isChanged(changed, file, l)) {
        set.add(l);
        touched = true;
      }
    duplicated.set(file, set);
    return touched;
  };
  let measured = 0;
  for (const file of [...files].sort()) {
    const format = getFormatByFile(file, {});
    if (!format) continue;
    const text = readText(repo, file);
    const lines = text.split('\n').length;
    for (let l = 1; l <= lines; l++) if (isChanged(changed, file, l)) totalLines += 1;
    measured += 1;
    const found: IClone[] = await detector.detect(file, text, format);
    for (const c of found) {
      const a = c.duplicationA;
      const b = c.duplicationB;
      const touchedA = mark(a.sourceId, a.start.line, a.end.line);
      const touchedB = mark(b.sourceId, b.start.line, b.end.line);
      if (touchedA || touchedB)
        clones.push({
          file: a.sourceId,
          line: a.start.line,
          message: `lines ${a.start.line}-${a.end.line} duplicate ${b.sourceId}:${b.start.line}-${b.end.line}`,
        });
    }
  }
  if (!measured || !totalLines) return null;
  let duplicatedLines = 0;
  for (const set of duplicated.values()) duplicatedLines += set.size;
  return { duplicatedLines, totalLines, clones };
}
