import { z } from 'zod';
import { jsonErrorOffset } from './json-error';

/** `.buildrunner/features.json`: what the project promises, and how far along each promise is. */
export const FEATURES_FILE = '.buildrunner/features.json';

/**
 * Version 2 added `priority` and ids as users type them (`F001`). Version 1 files (and files with no
 * version) are a subset of version 2, so they are read as they are and written back as version 2.
 */
export const FEATURES_VERSION = 2;

export const featureStatus = z.enum(['planned', 'in_progress', 'complete']);
export type FeatureStatus = z.output<typeof featureStatus>;

export const featurePriority = z.enum(['critical', 'high', 'medium', 'low']);
export type FeaturePriority = z.output<typeof featurePriority>;
export const PRIORITIES: readonly FeaturePriority[] = featurePriority.options;

/**
 * A name, title or task id is one line of text: features.json arrives from worktrees the model wrote,
 * and its text goes into STATUS.md and commit messages.
 */
function oneLine(max: number) {
  return z
    .string()
    .max(max)
    .regex(/^[^\r\n\u2028\u2029\0]*$/, 'expected one line of text');
}

export const featureId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'expected an id of letters, digits, ".", "_" and "-" such as "user-login" or "F001"',
  );

export const featureSchema = z.strictObject({
  id: featureId,
  title: oneLine(1000).min(1),
  description: z.string().max(100_000).default(''),
  status: featureStatus.default('planned'),
  priority: featurePriority.default('medium'),
  required: z.boolean().default(false),
  tasks: z.array(oneLine(200).min(1)).max(1000).default([]),
  updatedAt: z.iso.datetime(),
});
export type Feature = z.output<typeof featureSchema>;

/** Ids are kept as typed and compared ignoring case, so `br feature complete f001` finds `F001`. */
export function sameFeatureId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A lowercase id from a title: letters and digits joined by "-", accents dropped. */
export function featureIdFromTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const featuresFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z
      .union([z.literal(1), z.literal(FEATURES_VERSION)], {
        error: `expected 1 or ${FEATURES_VERSION}; a newer file needs a newer br`,
      })
      .optional()
      .transform(() => FEATURES_VERSION),
    project: oneLine(200).optional(),
    features: z.array(featureSchema).max(10_000).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    file.features.forEach((f, i) => {
      const other = seen.get(f.id.toLowerCase());
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'id'],
          message:
            other === f.id
              ? `duplicate feature id "${f.id}"`
              : `duplicate feature id "${f.id}" (ids ignore case: "${other}" exists)`,
        });
      seen.set(f.id.toLowerCase(), f.id);
    });
  });
export type FeaturesFile = z.output<typeof featuresFileSchema>;

export interface FeatureProblem {
  file: string;
  /** 1-based line in the file, when it can be located. */
  line: number;
  message: string;
}

function lineAt(text: string, index: number): number {
  return text.slice(0, Math.max(0, index)).split('\n').length;
}

/** Finds the line of the n-th feature object (or of a key inside it) in the raw JSON text. */
function locate(text: string, path: PropertyKey[]): number {
  if (path[0] !== 'features' || typeof path[1] !== 'number') {
    const key = path[0] === undefined ? -1 : text.indexOf(`"${String(path[0])}"`);
    return key < 0 ? 1 : lineAt(text, key);
  }
  const ids = [...text.matchAll(/"id"\s*:/g)].map((m) => m.index);
  const at = ids[path[1]];
  if (at === undefined) return lineAt(text, text.indexOf('"features"'));
  const field = path[2];
  if (field === undefined || field === 'id') return lineAt(text, at);
  const next = ids[path[1] + 1] ?? text.length;
  const rel = text.slice(at, next).indexOf(`"${String(field)}"`);
  return lineAt(text, rel < 0 ? at : at + rel);
}

/** Parses and validates features.json text; problems name the file and line. */
export function parseFeatures(
  text: string,
  file = FEATURES_FILE,
): { ok: true; value: FeaturesFile } | { ok: false; problems: FeatureProblem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = jsonErrorOffset(text);
    const line = lineAt(text, at < 0 ? 0 : at);
    return { ok: false, problems: [{ file, line, message: `not valid JSON: ${message}` }] };
  }
  const result = featuresFileSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      file,
      line: locate(text, issue.path),
      message: `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    })),
  };
}

/** Stable text form: two-space JSON with a final newline, features in the order they were added. */
export function serializeFeatures(file: FeaturesFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface AddFeatureInput {
  /** Derived from the title when omitted ("Design System" -> "design-system"). */
  id?: string;
  title: string;
  description?: string;
  priority?: FeaturePriority;
  required?: boolean;
  tasks?: string[];
}
