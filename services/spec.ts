import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../lib/errors';
import { projectRoot } from './project-root';
import { sameFeatureId } from '../lib/features/schema';
import { addFeature, readFeatures } from '../activities/features/store';
import type { CompleteSpecAnswers } from '../lib/spec/answers';
import { renderSpecFiles, SPEC_FILE, starterSpec } from '../lib/spec/render';

/** The starter spec `br init NAME` wrote, unedited: replacing it loses nothing. */
function isUntouchedStarter(text: string): boolean {
  const title = /^# (.+)\n/.exec(text)?.[1];
  return title !== undefined && text === starterSpec(title);
}

export interface WriteSpecResult {
  root: string;
  spec: { file: string; outcome: 'created' | 'replaced' | 'unchanged' };
  /** Feature ids added to features.json, and those it already had. */
  features: { added: string[]; existing: string[] };
}

/**
 * `br spec wizard` after the questions: writes the spec (never replacing a different one without
 * `force`) and tracks its features in features.json, adding only the ids it does not have yet, so
 * running it again with the same answers changes nothing.
 */
export function writeSpec(options: {
  cwd: string;
  answers: CompleteSpecAnswers;
  out?: string;
  force?: boolean;
  now?: Date;
}): WriteSpecResult {
  let rendered;
  try {
    rendered = renderSpecFiles(options.answers);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const root = projectRoot(options.cwd);
  const file = options.out ? path.resolve(options.cwd, options.out) : path.join(root, SPEC_FILE);
  const text = rendered.files[SPEC_FILE]!;
  const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (before !== null && before !== text && !options.force && !isUntouchedStarter(before))
    throw new UserError(
      `${path.relative(options.cwd, file) || file} already exists and differs. Pass --force to replace it, or --out to write another file.`,
    );
  const outcome = before === null ? 'created' : before === text ? 'unchanged' : 'replaced';
  if (outcome !== 'unchanged') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const tracked = readFeatures(root).features;
  const added: string[] = [];
  const existing: string[] = [];
  for (const f of rendered.features) {
    const known = tracked.find((t) => sameFeatureId(t.id, f.id!));
    if (known) existing.push(known.id);
    else added.push(addFeature(root, f, options.now).id);
  }
  return { root, spec: { file, outcome }, features: { added, existing } };
}
