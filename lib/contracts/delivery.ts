/** The delivery activity (activities/delivery): arguments and result. */
import type { DeliveryMode, DeliveryOutcome } from '../delivery';
import type { RemoteRepo } from './git';

export interface DeliverBuildInput extends RemoteRepo {
  mode: DeliveryMode;
  buildId: string;
  repoPath: string;
  baseBranch: string;
  buildBranch: string;
}

export type DeliverBuildResult = DeliveryOutcome;
