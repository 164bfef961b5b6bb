import { z } from 'zod';
import { featureId, featurePriority } from '../features/schema';

/**
 * The answers `br spec wizard` collects, as they appear in an `--answers` JSON file. Every question
 * also has a flag (QUESTIONS below), so nothing needs a terminal.
 */
export const specFeatureSchema = z.strictObject({
  title: z.string().trim().min(1),
  id: featureId.optional(),
  priority: featurePriority.default('medium'),
  required: z.boolean().default(false),
  description: z.string().trim().default(''),
  acceptance: z.array(z.string().trim().min(1)).default([]),
  /** Titles (or ids) of other features in the same answers. */
  dependsOn: z.array(z.string().trim().min(1)).default([]),
});
export type SpecFeature = z.output<typeof specFeatureSchema>;

export const specAnswersSchema = z.strictObject({
  project: z.string().trim().min(1).optional(),
  description: z.string().trim().min(1).optional(),
  /** A design-system industry profile (`br design profile list`); optional. */
  industry: z.string().trim().min(1).optional(),
  /** A design-system use-case pattern (`br design pattern list`); optional. */
  useCase: z.string().trim().min(1).optional(),
  features: z.array(specFeatureSchema).optional(),
});
export type SpecAnswers = z.output<typeof specAnswersSchema>;
export type CompleteSpecAnswers = SpecAnswers &
  Required<Pick<SpecAnswers, 'project' | 'description' | 'features'>>;

export interface Question {
  /** Key in the answers file. */
  key: keyof SpecAnswers;
  flag: string;
  prompt: string;
  /** What the answer is, for messages. */
  label: string;
  /** Asked only when the design system is installed (`br design`). */
  design?: boolean;
  required: boolean;
}

export const QUESTIONS: readonly Question[] = [
  { key: 'project', flag: '--project', prompt: 'Project name', label: 'the project name', required: true },
  {
    key: 'description',
    flag: '--description',
    prompt: 'What does it do, in a sentence or two?',
    label: 'the project description',
    required: true,
  },
  {
    key: 'industry',
    flag: '--industry',
    prompt: 'Industry profile',
    label: 'the industry profile',
    design: true,
    required: false,
  },
  {
    key: 'useCase',
    flag: '--use-case',
    prompt: 'Use-case pattern',
    label: 'the use-case pattern',
    design: true,
    required: false,
  },
  { key: 'features', flag: '--feature', prompt: 'Features', label: 'at least one feature', required: true },
];

/** The questions still unanswered that have no default. */
export function missingAnswers(answers: SpecAnswers): Question[] {
  return QUESTIONS.filter((q) => q.required && (answers[q.key] === undefined || isEmptyList(answers[q.key])));
}

function isEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

/**
 * One `--feature` flag: `TITLE`, optionally followed by `| key=value` parts: `priority=high`,
 * `id=F001`, `required`, `description=…`, `accept=criterion; criterion`, `after=Other; Another`.
 */
export function parseFeatureFlag(text: string): SpecFeature {
  const [title, ...parts] = text.split('|').map((s) => s.trim());
  const raw: Record<string, unknown> = { title };
  const list = (v: string) =>
    v
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key === 'required') raw.required = true;
    else if (key === 'priority' || key === 'id' || key === 'description') raw[key] = value;
    else if (key === 'accept' || key === 'acceptance') raw.acceptance = list(value);
    else if (key === 'after' || key === 'depends' || key === 'dependson') raw.dependsOn = list(value);
    else
      throw new Error(
        `--feature "${text}": unknown part "${part}" (use priority=, id=, required, description=, accept=, after=)`,
      );
  }
  const parsed = specFeatureSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `--feature "${text}": ${parsed.error.issues.map((i) => `${i.path.join('.') || 'title'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Parses an answers file's text; problems name the key. */
export function parseAnswers(text: string, file: string): SpecAnswers {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = specAnswersSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Later sources win per key: defaults < answers file < flags < interactive answers. */
export function mergeAnswers(...sources: SpecAnswers[]): SpecAnswers {
  const out: SpecAnswers = {};
  for (const s of sources)
    for (const [k, v] of Object.entries(s) as [keyof SpecAnswers, unknown][])
      if (v !== undefined && !isEmptyList(v)) (out as Record<string, unknown>)[k] = v;
  return out;
}
