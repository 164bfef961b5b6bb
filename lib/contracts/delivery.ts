/** The delivery activity (activities/delivery): arguments and result. */
import type { DeliveryMode, DeliveryOutcome, GitHubTarget } from '../delivery';
import type { BuildSummary } from '../notify/github-summary';
import type { RemoteRepo } from './git';

export interface DeliverBuildInput extends RemoteRepo {
  mode: DeliveryMode;
  buildId: string;
  repoPath: string;
  baseBranch: string;
  buildBranch: string;
  /** `pull-request`: where on GitHub (no token). */
  github?: GitHubTarget;
  /** `pull-request`: the build's summary for the pull request's body. */
  summary?: BuildSummary;
}

export type DeliverBuildResult = DeliveryOutcome;
