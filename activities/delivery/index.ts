import type { BuildActivities, DeliverBuildInput } from '../../lib/contracts';
import { FailureClass } from '../../lib/failures';
import type { BuildRunnerConfig } from '../../lib/config';
import type { Database } from '../../lib/db/connection';
import { finishedBuildGaps } from '../evidence/finished';
import { failure } from '../failure';
import { defaultCacheDir } from '../git/cache-dir';
import { deliverLocal, deliverRemote } from '../git/deliver';
import { workerEnv } from '../notify/env';
import { deliverPullRequest, type PullRequestDeps } from './pull-request';

export interface DeliveryActivityDeps {
  /** This worker's cache folder, where remote builds' clones live (default: defaultCacheDir()). */
  cacheDir?: string;
  /** The worker's project folder, whose .env may hold the GitHub token (default: none read). */
  root?: string;
  env?: NodeJS.ProcessEnv;
  /** GitHub client settings, for tests against a loopback server. */
  github?: PullRequestDeps['github'];
  /** The worker's database: a pull request's body carries the build's gap report, read from it. */
  db?: Database;
  config?: BuildRunnerConfig;
}

/**
 * The delivery of a finished build, one function per `delivery.mode`. Each is idempotent: a retried
 * activity finds its own delivery done and changes nothing more.
 */
export function createDeliveryActivities(
  deps: DeliveryActivityDeps = {},
): Pick<BuildActivities, 'deliverBuild'> {
  const cacheDir = deps.cacheDir ?? defaultCacheDir();
  const env = deps.env ?? process.env;
  const { db } = deps;
  const config = deps.config ? { config: deps.config } : {};
  return {
    async deliverBuild(input: DeliverBuildInput) {
      switch (input.mode) {
        case 'merge':
          return input.repoUrl
            ? deliverRemote({ ...input, repoUrl: input.repoUrl }, cacheDir)
            : deliverLocal(input);
        case 'pull-request':
          return deliverPullRequest(input, {
            cacheDir,
            env: () => (deps.root ? workerEnv(env, deps.root) : { ...env }),
            ...(deps.github ? { github: deps.github } : {}),
            ...(db ? { gaps: (i) => finishedBuildGaps(db, i, { ...config, cacheDir }) } : {}),
          });
        default:
          // A workflow started by a newer `br` than this worker: say so instead of doing something else.
          throw failure(
            FailureClass.CONFIG_INVALID,
            `This worker cannot deliver by "${String((input as { mode: unknown }).mode)}"; upgrade the worker.`,
          );
      }
    },
  };
}
