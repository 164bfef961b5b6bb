import { FailureClass } from '../../lib/failures';
import { failure } from '../failure';
import { FEATURES_FILE } from '../../lib/features/schema';
import { FeaturesFileError, generateStatusFile, setFeatureStatus } from '../features/store';
import { STATUS_FILE } from '../../lib/features/status-md';
import { withRepoLock } from './lock';
import { mergeWorktree } from './merge';
import { authorEnv, git, runGit, trailers, trimOutput } from './run';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MarkFeaturesInput } from '../../lib/contracts';

/**
 * Marks the features a finished build delivered as complete, on the build branch (through the merge
 * worktree, under the merge lock), and commits features.json with a regenerated STATUS.md. A plan's
 * feature id matches a tracked id (ignoring case) or the slug of a tracked title ("Design System" is
 * F001 in features.json and design-system in the plan); others are skipped: the plan may name
 * features nobody tracks.
 */
export async function markFeaturesDelivered(
  input: MarkFeaturesInput,
): Promise<{ commit: string | null; marked: string[] }> {
  if (!input.featureIds.length) return { commit: null, marked: [] };
  return withRepoLock(input.repoPath, async () => {
    const dir = await mergeWorktree(input.repoPath, input.buildId, input.buildBranch);
    return markFeaturesIn(dir, input);
  });
}

/** Marks the features in `dir` (a checkout of the build branch) and commits; null when nothing changed. */
export async function markFeaturesIn(
  dir: string,
  input: MarkFeaturesInput,
): Promise<{ commit: string | null; marked: string[] }> {
  if (!existsSync(path.join(dir, FEATURES_FILE))) return { commit: null, marked: [] };
  let changed: ReturnType<typeof setFeatureStatus>;
  try {
    changed = setFeatureStatus(dir, input.featureIds, 'complete', new Date(), {
      ignoreUnknown: true,
      matchTitles: true,
    });
    if (changed.length) generateStatusFile(dir);
  } catch (err) {
    // The build branch's features.json is invalid, or not a regular file: retrying cannot fix that.
    if (err instanceof FeaturesFileError)
      throw failure(
        FailureClass.CONFIG_INVALID,
        `${FEATURES_FILE} on ${input.buildBranch} cannot be updated: ${err.message}`,
      );
    throw err;
  }
  if (!changed.length) return { commit: null, marked: [] };
  await git(dir, ['add', '--', FEATURES_FILE, STATUS_FILE]);
  const ids = changed.map((f) => f.id);
  const message = `Mark features delivered: ${ids.join(', ')}\n\n${trailers({ buildId: input.buildId })}\n`;
  // Hooks off like every git run outside the sandbox (activities/git/safe.ts): this commit only changes
  // BuildRunner's own files, and the user's hooks would run the model's code with the worker's secrets.
  const result = await runGit(dir, ['commit', '--file=-', '--cleanup=verbatim'], {
    input: message,
    env: authorEnv,
    allowFailure: true,
  });
  if (result.code !== 0) {
    await git(dir, ['reset', '--quiet', '--hard', 'HEAD']);
    const output = trimOutput(`${result.stderr}\n${result.stdout}`);
    throw failure(
      FailureClass.HOOK_REJECTED,
      `Git could not commit the features.json update on ${input.buildBranch}`,
      { output },
    );
  }
  return { commit: await git(dir, ['rev-parse', 'HEAD']), marked: ids };
}
