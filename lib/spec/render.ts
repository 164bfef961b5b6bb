import { featureIdFromTitle } from '../features/schema';
import type { AddFeatureInput } from '../features/schema';
import type { CompleteSpecAnswers, SpecFeature } from './answers';

export const SPEC_FILE = 'PROJECT_SPEC.md';

export interface SpecFiles {
  /** Path relative to the project root → content. */
  files: Record<string, string>;
  /** Features to track in features.json (added when their id is not there yet). */
  features: AddFeatureInput[];
}

function sameRef(feature: SpecFeature, ref: string): boolean {
  const r = ref.toLowerCase();
  return (
    feature.title.toLowerCase() === r || (feature.id ?? featureIdFromTitle(feature.title)).toLowerCase() === r
  );
}

/** Checks that ids are unique and dependencies name earlier-or-later features, with no cycle. */
export function checkFeatures(features: SpecFeature[]): void {
  const ids = new Map<string, string>();
  for (const f of features) {
    const id = (f.id ?? featureIdFromTitle(f.title)).toLowerCase();
    if (!id) throw new Error(`Feature "${f.title}" needs an id: add id=F001 (or "id" in the answers file).`);
    if (ids.has(id)) throw new Error(`Two features have the id "${id}": "${ids.get(id)}" and "${f.title}".`);
    ids.set(id, f.title);
  }
  const deps = features.map((f) =>
    f.dependsOn.map((ref) => {
      const i = features.findIndex((g) => sameRef(g, ref));
      if (i < 0)
        throw new Error(
          `Feature "${f.title}" depends on "${ref}", which is not one of the features: ${features.map((g) => g.title).join(', ')}.`,
        );
      if (/[,;]/.test(features[i]!.title))
        throw new Error(
          `Feature "${features[i]!.title}" is a dependency, so its title cannot contain "," or ";" (they separate dependencies).`,
        );
      return i;
    }),
  );
  const state = features.map(() => 0);
  const visit = (i: number, trail: string[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1)
      throw new Error(`Feature dependencies form a cycle: ${[...trail, features[i]!.title].join(' → ')}.`);
    state[i] = 1;
    for (const d of deps[i]!) visit(d, [...trail, features[i]!.title]);
    state[i] = 2;
  };
  features.forEach((_, i) => visit(i, []));
}

/**
 * PROJECT_SPEC.md from the wizard's answers, in the shape the heuristic planner reads: one `##
 * Feature:` section per feature with a description, a `Depends on:` line naming other features by
 * title, and acceptance criteria numbered R<feature>.<n> as bullets (a numbered list would read as
 * tasks). Pure: the same answers give the same bytes.
 */
export function renderSpecFiles(answers: CompleteSpecAnswers): SpecFiles {
  checkFeatures(answers.features);
  const lines = [`# ${answers.project}`, '', answers.description, ''];
  if (answers.industry || answers.useCase) {
    const parts = [
      answers.industry && `industry profile **${answers.industry}**`,
      answers.useCase && `use-case pattern **${answers.useCase}**`,
    ].filter(Boolean);
    lines.push(`Design: ${parts.join(', ')}.`, '');
  }
  answers.features.forEach((f, n) => {
    const id = f.id ?? featureIdFromTitle(f.title);
    lines.push(`## Feature: ${f.title}`, '');
    lines.push(`Id: ${id} · priority ${f.priority}${f.required ? ' · required' : ''}`);
    lines.push(f.description || `Deliver ${f.title}.`, '');
    if (f.dependsOn.length) {
      const titles = f.dependsOn.map((ref) => answers.features.find((g) => sameRef(g, ref))!.title);
      lines.push(`Depends on: ${titles.join(', ')}`, '');
    }
    if (f.acceptance.length) {
      lines.push('Acceptance criteria:');
      f.acceptance.forEach((a, i) => lines.push(`- R${n + 1}.${i + 1} ${a}`));
      lines.push('');
    }
  });
  return {
    files: { [SPEC_FILE]: `${lines.join('\n').trimEnd()}\n` },
    features: answers.features.map((f) => ({
      id: f.id ?? featureIdFromTitle(f.title),
      title: f.title,
      description: f.description,
      priority: f.priority,
      required: f.required,
    })),
  };
}

/** The starter spec `br init NAME` writes: one example feature to replace. */
export function starterSpec(project: string): string {
  return renderSpecFiles({
    project,
    description:
      'Describe the project here. Each `## Feature:` section below becomes planned work: `br plan PROJECT_SPEC.md` shows the tasks, `br spec wizard --force` rewrites this file from your answers.',
    features: [
      {
        title: 'First feature',
        priority: 'high',
        required: false,
        description: 'Say what the feature does and for whom.',
        acceptance: ['Write one testable criterion per line', 'Name the test that proves it'],
        dependsOn: [],
      },
    ],
  }).files[SPEC_FILE]!;
}
