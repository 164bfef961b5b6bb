import path from 'node:path';
import { UserError } from '../../lib/errors';
import { readRegularFile, UnsafeFileError, writeRegularFile } from '../safe-fs';
import {
  FEATURES_FILE,
  FEATURES_VERSION,
  featureIdFromTitle,
  featureSchema,
  parseFeatures,
  sameFeatureId,
  serializeFeatures,
  type Feature,
  type FeaturesFile,
  type AddFeatureInput,
} from '../../lib/features/schema';
import { renderStatus, STATUS_FILE } from '../../lib/features/status-md';

export { featureIdFromTitle };
export type { AddFeatureInput };

export class FeaturesFileError extends UserError {}

export function featuresPath(root: string): string {
  return path.join(root, FEATURES_FILE);
}

/** features.json and STATUS.md are a few KB; a bigger one is not ours to read into memory. */
const MAX_BYTES = 4 * 1024 * 1024;

/** Reads a file below root that a model may have replaced (safe-fs.ts); refusals are user errors. */
function readBelow(root: string, file: string): string | null {
  try {
    return readRegularFile(file, MAX_BYTES, root);
  } catch (err) {
    if (err instanceof UnsafeFileError)
      throw new FeaturesFileError(`${err.message}. Fix the file, then retry.`);
    throw err;
  }
}

/** Reads features.json under root; a missing file is an empty list. */
export function readFeatures(root: string): FeaturesFile {
  const file = featuresPath(root);
  const text = readBelow(root, file);
  if (text === null) return { version: FEATURES_VERSION, features: [] };
  const parsed = parseFeatures(text, FEATURES_FILE);
  if (!parsed.ok)
    throw new FeaturesFileError(
      `${parsed.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}\nFix the file, then retry.`,
    );
  return parsed.value;
}

export function writeFeatures(root: string, data: FeaturesFile): void {
  writeBelow(root, featuresPath(root), serializeFeatures(data));
}

function writeBelow(root: string, file: string, text: string): void {
  try {
    writeRegularFile(root, file, text);
  } catch (err) {
    if (err instanceof UnsafeFileError)
      throw new FeaturesFileError(`${err.message}. Fix the file, then retry.`);
    throw err;
  }
}

/** Writes STATUS.md from features.json; returns whether the file changed. */
export function generateStatusFile(root: string): { file: string; changed: boolean } {
  const file = path.join(root, STATUS_FILE);
  const text = renderStatus(readFeatures(root));
  // A symlink or special file in STATUS.md's place is replaced, never read or followed.
  let old: string | null = null;
  try {
    old = readRegularFile(file, MAX_BYTES, root);
  } catch (err) {
    if (!(err instanceof UnsafeFileError)) throw err;
  }
  const changed = old !== text;
  if (changed) writeBelow(root, file, text);
  return { file, changed };
}

function find(data: FeaturesFile, id: string): Feature {
  const feature = data.features.find((f) => sameFeatureId(f.id, id));
  if (!feature)
    throw new FeaturesFileError(
      `No feature "${id}" in ${FEATURES_FILE}. Run \`br feature list\` to see the ids.`,
    );
  return feature;
}

export function addFeature(root: string, input: AddFeatureInput, now = new Date()): Feature {
  const data = readFeatures(root);
  const id = input.id ?? featureIdFromTitle(input.title);
  if (!id)
    throw new FeaturesFileError(
      `Cannot derive an id from the title "${input.title}": give one with --id (for example --id F001).`,
    );
  const existing = data.features.find((f) => sameFeatureId(f.id, id));
  if (existing)
    throw new FeaturesFileError(
      `Feature "${existing.id}" already exists (${existing.title}). Pick another id with --id, or remove it first.`,
    );
  const parsed = featureSchema.safeParse({
    id,
    title: input.title,
    description: input.description ?? '',
    priority: input.priority,
    required: input.required ?? false,
    tasks: input.tasks ?? [],
    updatedAt: now.toISOString(),
  });
  if (!parsed.success)
    throw new FeaturesFileError(
      parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('\n'),
    );
  data.features.push(parsed.data);
  writeFeatures(root, data);
  return parsed.data;
}

export function setFeatureStatus(
  root: string,
  ids: string[],
  status: Feature['status'],
  now = new Date(),
  options: { ignoreUnknown?: boolean; matchTitles?: boolean } = {},
): Feature[] {
  const data = readFeatures(root);
  const changed: Feature[] = [];
  for (const id of ids) {
    // A plan names features by the slug of their spec heading; features.json may use ids like F001.
    const byTitle = options.matchTitles
      ? data.features.find((f) => featureIdFromTitle(f.title).slice(0, 40).replace(/-+$/, '') === id)
      : undefined;
    const known = data.features.some((f) => sameFeatureId(f.id, id));
    if (options.ignoreUnknown && !known && !byTitle) continue;
    const feature = known ? find(data, id) : (byTitle ?? find(data, id));
    if (feature.status === status) continue;
    feature.status = status;
    feature.updatedAt = now.toISOString();
    changed.push(feature);
  }
  if (changed.length) writeFeatures(root, data);
  return changed;
}

export function removeFeature(root: string, id: string): Feature {
  const data = readFeatures(root);
  const feature = find(data, id);
  data.features = data.features.filter((f) => f !== feature);
  writeFeatures(root, data);
  return feature;
}
