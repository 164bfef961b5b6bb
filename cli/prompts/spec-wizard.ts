import type { input as inputPrompt } from '@inquirer/prompts';
import { PRIORITIES } from '../../lib/features/schema';
import { QUESTIONS, type SpecAnswers, type SpecFeature } from '../../lib/spec/answers';

/** The design system's choices, when `br design` is installed. */
export interface DesignChoices {
  profiles: string[];
  patterns: string[];
}

/** The prompt library's context: the streams to read and write. */
export type PromptIo = NonNullable<Parameters<typeof inputPrompt>[1]>;

const NONE = '(none)';

function prompt(key: keyof SpecAnswers): string {
  return QUESTIONS.find((q) => q.key === key)!.prompt;
}

/**
 * Asks, on a terminal, only what the flags and the answers file left open. The design questions
 * appear only when the design system is installed. Streams come from the command's context.
 */
export async function askMissing(
  known: SpecAnswers,
  design: DesignChoices | null,
  io: PromptIo,
  defaults: { project: string },
): Promise<SpecAnswers> {
  const { input, select, checkbox } = await import('@inquirer/prompts');
  const answers: SpecAnswers = { ...known };
  answers.project ??= (await input({ message: prompt('project'), default: defaults.project }, io)).trim();
  answers.description ??= (await input({ message: prompt('description'), required: true }, io)).trim();
  if (design && answers.industry === undefined) {
    const choice = await select(
      { message: prompt('industry'), choices: [NONE, ...design.profiles].map((value) => ({ value })) },
      io,
    );
    if (choice !== NONE) answers.industry = choice;
  }
  if (design && answers.useCase === undefined) {
    const choice = await select(
      { message: prompt('useCase'), choices: [NONE, ...design.patterns].map((value) => ({ value })) },
      io,
    );
    if (choice !== NONE) answers.useCase = choice;
  }
  if (!answers.features?.length) {
    const features: SpecFeature[] = [];
    for (;;) {
      const title = (
        await input(
          {
            message: features.length ? 'Next feature title (empty to finish)' : 'First feature title',
            required: features.length === 0,
          },
          io,
        )
      ).trim();
      if (!title) break;
      const priority = await select(
        {
          message: `Priority of "${title}"`,
          choices: PRIORITIES.map((value) => ({ value })),
          default: 'medium',
        },
        io,
      );
      const description = (await input({ message: 'Describe it in a sentence (optional)' }, io)).trim();
      const acceptance: string[] = [];
      for (;;) {
        const criterion = (
          await input({ message: `Acceptance criterion ${acceptance.length + 1} (empty to finish)` }, io)
        ).trim();
        if (!criterion) break;
        acceptance.push(criterion);
      }
      const dependsOn = features.length
        ? await checkbox(
            { message: `"${title}" depends on`, choices: features.map((f) => ({ value: f.title })) },
            io,
          )
        : [];
      features.push({ title, priority, required: false, description, acceptance, dependsOn });
    }
    answers.features = features;
  }
  return answers;
}

/** Strings from a `br design … list --json` answer: an array (or the first array inside an object). */
export function namesFromJson(value: unknown): string[] {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object'
      ? Object.values(value).find(Array.isArray)
      : undefined;
  if (!list) return [];
  return list
    .map((item: unknown) => {
      if (typeof item === 'string') return item;
      const o = (item ?? {}) as Record<string, unknown>;
      const name = o.id ?? o.name ?? o.slug ?? o.key;
      return typeof name === 'string' ? name : null;
    })
    .filter((n): n is string => n !== null);
}
