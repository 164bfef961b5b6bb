/**
 * Files for the fake git: each task's change touches the files `touches(taskId)` names, and its merge
 * conflicts when one of them changed on the build branch after the attempt's worktree was made, the way
 * git conflicts when two tasks edit the same lines of a file. Wraps the activities of fakes.ts.
 */
import { SimFailure, type SimActivities } from './runtime';

export interface SharedFileOptions {
  /** The files a task's change touches (planned or not). */
  touches: (taskId: string) => readonly string[];
}

export interface SharedFileLog {
  /** Merges that conflicted, by task id. */
  conflicts: string[];
  /** Conflicts resolved in the merge worktree, by task id. */
  resolved: string[];
  /** Every file's version on the build branch (the number of merges that changed it). */
  versions: Map<string, number>;
}

export function withSharedFiles(
  inner: SimActivities,
  options: SharedFileOptions,
): { activities: SimActivities; log: SharedFileLog } {
  const log: SharedFileLog = { conflicts: [], resolved: [], versions: new Map() };
  /** The build branch's file versions each task branch started from. */
  const bases = new Map<string, Map<string, number>>();
  const version = (f: string) => log.versions.get(f) ?? 0;
  const activities: SimActivities = {
    ...inner,
    prepareWorktree: (input) => {
      const call = inner.prepareWorktree(input);
      return {
        durationMs: call.durationMs,
        complete: () => {
          const prepared = call.complete();
          bases.set(prepared.branch, new Map(log.versions));
          return prepared;
        },
      };
    },
    mergeTask: (input) => {
      const call = inner.mergeTask(input);
      return {
        durationMs: call.durationMs,
        complete: () => {
          const base = bases.get(input.branch) ?? new Map<string, number>();
          const touched = options.touches(input.taskId);
          const files = touched.filter((f) => version(f) > (base.get(f) ?? 0));
          if (files.length) {
            log.conflicts.push(input.taskId);
            throw new SimFailure(
              'MERGE_CONFLICT',
              `Task ${input.taskId} conflicts with ${input.buildBranch} in ${files.join(', ')}`,
              { files, output: `CONFLICT (content): Merge conflict in ${files.join(', ')}` },
            );
          }
          const merged = call.complete();
          for (const f of touched) log.versions.set(f, version(f) + 1);
          return merged;
        },
      };
    },
    resolveConflict: (input) => {
      const call = inner.resolveConflict(input);
      return {
        durationMs: call.durationMs,
        complete: () => {
          const result = call.complete();
          const touched = options.touches(input.taskId);
          if (result.mergeCommit) {
            log.resolved.push(input.taskId);
            for (const f of touched) log.versions.set(f, version(f) + 1);
          }
          return { ...result, files: [...touched] };
        },
      };
    },
  };
  return { activities, log };
}
