import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseFeatures } from '../../lib/features/schema';
import { FEATURES_FILE } from '../../lib/features/schema';
import { UserError } from '../../lib/errors';
import { citationsIn, indexResults, type GapInput, type TaskEvidence } from '../../lib/gaps';
import { planFromMarkdown } from '../../lib/planner/heuristic';
import { attachRequirements, parseRequirements } from '../../lib/requirements';
import { readRegularFile, UnsafeFileError } from '../safe-fs';
import { git, GitError, refExists, runGit } from '../git/run';

/**
 * Reads the evidence of a gap analysis from a repository: the spec and the tests (at the build branch,
 * or in the working tree), the merges of the build's tasks, the last test results and features.json.
 * Files are listed and read in sorted order, so the same tree always gives the same input.
 */

export const DEFAULT_TEST_PATTERN = String.raw`(^|/)(test|tests|__tests__)/.*\.[cm]?[jt]sx?$|\.(test|spec)\.[cm]?[jt]sx?$`;

/** A task row of a build, as the database holds it. */
export interface BuildTaskRow {
  id: string;
  title: string;
  status: string;
  requirementIds: string[];
  features: string[];
  mergeCommit: string | null;
  files: string[];
}

export interface CollectOptions {
  repoPath: string;
  specPath: string;
  /** The build whose tasks are traced; null plans the spec offline and traces the working tree. */
  build: { id: string; branch: string; tasks: BuildTaskRow[] } | null;
  /** jest-style JSON results, relative to the repository or absolute. */
  resultsFile: string;
  /** Regular expression over repository-relative paths that picks the test files. */
  testPattern?: string;
}

async function filesAt(repo: string, ref: string | null): Promise<string[]> {
  const out = ref
    ? await git(repo, ['ls-tree', '-r', '--name-only', '-z', ref])
    : await git(repo, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  return [...new Set(out.split('\0').filter(Boolean))].sort();
}

/** A source or spec file is well under this; larger ones (or results files) are not read. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_RESULTS_BYTES = 256 * 1024 * 1024;

async function readAt(repo: string, ref: string | null, file: string): Promise<string | null> {
  if (!ref) {
    // The working tree may hold what a model wrote: a symlink out of it or a FIFO is skipped, not read.
    try {
      return readRegularFile(path.join(repo, file), MAX_FILE_BYTES, repo);
    } catch (err) {
      if (err instanceof UnsafeFileError) return null;
      throw err;
    }
  }
  // A committed file can be as large as fileSizeMb (1 GB): past the cap it is skipped like one in the tree.
  const r = await runGit(repo, ['show', `${ref}:${file}`], {
    allowFailure: true,
    maxOutputBytes: MAX_FILE_BYTES,
  }).catch((err: unknown) => {
    if (err instanceof GitError && err.tooLarge) return null;
    throw err;
  });
  return r?.code === 0 ? r.stdout : null;
}

/** Files a commit changed against its first parent; null when it is not on the branch. */
async function mergedFiles(repo: string, branch: string, commit: string): Promise<string[] | null> {
  if (!(await refExists(repo, commit))) return null;
  const onBranch = await runGit(repo, ['merge-base', '--is-ancestor', commit, branch], {
    allowFailure: true,
  });
  if (onBranch.code !== 0) return null;
  const parents = (await git(repo, ['rev-list', '--parents', '-n', '1', commit])).split(' ').slice(1);
  const diff = parents.length
    ? await git(repo, ['diff', '--name-only', '-z', `${commit}^1`, commit])
    : await git(repo, ['show', '--name-only', '-z', '--format=', commit]);
  return diff.split('\0').filter(Boolean).sort();
}

export async function collectGapInput(o: CollectOptions): Promise<GapInput> {
  const repo = o.repoPath;
  const ref = o.build ? o.build.branch : null;
  if (ref && !(await refExists(repo, ref)))
    throw new UserError(`The build branch ${ref} is not in ${repo}. Was the build run in this repository?`);
  const spec = await readAt(repo, ref, o.specPath);
  if (spec === null)
    throw new UserError(
      `Spec not found: ${o.specPath}${ref ? ` on ${ref}` : ''}. Pass the spec path, e.g. \`br gaps analyze PROJECT_SPEC.md\`.`,
    );
  const requirements = parseRequirements(spec);

  let tasks: TaskEvidence[];
  if (o.build) {
    const branch = o.build.branch;
    tasks = [];
    for (const t of [...o.build.tasks].sort((a, b) => a.id.localeCompare(b.id)))
      tasks.push({
        ...t,
        requirementIds: [...t.requirementIds],
        mergedFiles: t.mergeCommit ? await mergedFiles(repo, branch, t.mergeCommit) : null,
      });
  } else {
    const plan = attachRequirements(planFromMarkdown(spec), requirements);
    tasks = plan.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      requirementIds: t.requirementIds ?? [],
      features: t.features ?? [],
      status: null,
      mergeCommit: null,
      mergedFiles: null,
      files: t.files,
    }));
  }

  const resultsPath = path.resolve(repo, o.resultsFile);
  let results = indexResults(null, repo);
  let resultsFile: string | null = null;
  if (existsSync(resultsPath)) {
    try {
      results = indexResults(JSON.parse(readRegularFile(resultsPath, MAX_RESULTS_BYTES) ?? 'null'), repo);
      resultsFile = path.relative(repo, resultsPath).replace(/\\/g, '/');
    } catch (err) {
      throw new UserError(`Test results ${o.resultsFile} are not valid JSON (${(err as Error).message}).`);
    }
  }
  const pattern = new RegExp(o.testPattern ?? DEFAULT_TEST_PATTERN);
  const tests = [];
  for (const file of (await filesAt(repo, ref)).filter((f) => pattern.test(f))) {
    const source = await readAt(repo, ref, file);
    if (source === null || !source.includes('@req')) continue;
    for (const c of citationsIn(file, source)) tests.push({ ...c, status: results.lookup(file, c.name) });
  }

  const featuresText = await readAt(repo, ref, FEATURES_FILE);
  const parsed = featuresText === null ? null : parseFeatures(featuresText, FEATURES_FILE);
  const features = parsed?.ok
    ? parsed.value.features
        .map((f) => ({ id: f.id, title: f.title, status: f.status }))
        .sort((a, b) => a.id.localeCompare(b.id))
    : [];

  return {
    specPath: o.specPath.replace(/\\/g, '/'),
    build: o.build ? { id: o.build.id, branch: o.build.branch } : null,
    requirements,
    tasks,
    tests,
    features,
    resultsFile,
  };
}
