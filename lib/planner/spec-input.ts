/**
 * What a spec must be before any planner reads it: under the size limit (`planner.maxSpecBytes`),
 * a text file, UTF-8, and holding at least a heading or a list item. Each refusal has its own code and
 * hint (lib/failure-hints.ts), so an empty or binary file is not told to fix its "Depends on:" lines.
 */
import { UserError } from '../errors';
import type { PlanProblem } from '../plan';

/**
 * 2 MiB: ten times a large real spec (the biggest in the planner corpus is under 20 KB), and on a loaded
 * 2-core machine the offline planner reads a spec of this size in about 1–2 s (bench/planner-scale.bench.ts).
 * A bigger file is almost always the wrong file (a log, a dump) or several specs in one.
 */
export const DEFAULT_MAX_SPEC_BYTES = 2 * 1024 * 1024;

/**
 * 32 MiB for `br import` task files: a Task Master tasks.json of 5,000 tasks is about 2.7 MB
 * (bench/import-scale.bench.ts), so this leaves room for ten times that and refuses a dump or a device.
 */
export const DEFAULT_MAX_IMPORT_BYTES = 32 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Refuses a spec over the limit; called with the file's size before it is read. */
export function checkSpecSize(name: string, bytes: number, maxBytes: number): void {
  if (bytes > maxBytes)
    throw new UserError(
      `The spec ${name} is ${formatBytes(bytes)} (${bytes} bytes), over the planner's limit of ` +
        `${formatBytes(maxBytes)} (planner.maxSpecBytes = ${maxBytes}).`,
      { code: 'SPEC_TOO_LARGE' },
    );
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, min, max] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b >= 0xf1 && b <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : b === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (!length) return i;
    // The second byte has the narrower range (no overlong forms, no surrogates, nothing past U+10FFFF).
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

const HEADING_OR_ITEM = /^\s{0,3}#{1,6}\s+\S|^\s*(?:[-*+]|\d+[.)])\s+\S/m;

/**
 * The spec's text, or a refusal: "not a text file" for NUL bytes (as git decides binary), "not UTF-8
 * (line N)" for a byte that is no UTF-8, and "no headings or checklist items" for a spec with nothing
 * a planner could read as work. A byte-order mark is kept, as `readFileSync(…, 'utf8')` keeps it,
 * so the spec hash stays the one earlier plan files recorded.
 */
export function specText(name: string, bytes: Uint8Array, options: { requireWork?: boolean } = {}): string {
  const nul = bytes.subarray(0, 8000).indexOf(0);
  if (nul >= 0)
    throw new UserError(
      `The spec ${name} is not a text file: it holds a NUL byte (at byte ${nul + 1}), as binary files do.`,
      { code: 'SPEC_NOT_TEXT' },
    );
  const invalid = firstInvalidUtf8(bytes);
  if (invalid >= 0)
    throw new UserError(
      `The spec ${name} is not UTF-8 (line ${lineAt(bytes, invalid)}: byte 0x${bytes[invalid]!.toString(16).padStart(2, '0')} ` +
        `at offset ${invalid}).`,
      { code: 'SPEC_NOT_UTF8' },
    );
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (options.requireWork !== false && !HEADING_OR_ITEM.test(text))
    throw new UserError(
      `The spec ${name} ${text.trim() ? 'has' : 'is empty: it has'} no headings or checklist items, so there is nothing to plan.`,
      { code: 'SPEC_EMPTY' },
    );
  return text;
}

/**
 * The code for a plan that fails validation: a plan with no tasks from a spec that has headings is
 * SPEC_NO_TASKS (every section read as description), anything else INVALID_PLAN.
 */
export function planProblemCode(problems: readonly PlanProblem[]): 'SPEC_NO_TASKS' | 'INVALID_PLAN' {
  return problems.every((p) => p.kind === 'empty') ? 'SPEC_NO_TASKS' : 'INVALID_PLAN';
}
