import { z } from 'zod';
import { jsonErrorOffset } from './json-error';

/** `.buildrunner/features.json`: what the project promises, and how far along each promise is. */
export const FEATURES_FILE = '.buildrunner/features.json';

export const featureStatus = z.enum(['planned', 'in_progress', 'complete']);
export type FeatureStatus = z.output<typeof featureStatus>;

export const featureSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a lowercase id such as "user-login"'),
  title: z.string().min(1),
  description: z.string().default(''),
  status: featureStatus.default('planned'),
  required: z.boolean().default(false),
  tasks: z.array(z.string().min(1)).default([]),
  updatedAt: z.iso.datetime(),
});
export type Feature = z.output<typeof featureSchema>;

export const featuresFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).default(1),
    project: z.string().optional(),
    features: z.array(featureSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.features.forEach((f, i) => {
      if (seen.has(f.id))
        ctx.addIssue({
          code: 'custom',
          path: ['features', i, 'id'],
          message: `duplicate feature id "${f.id}"`,
        });
      seen.add(f.id);
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
