import type { ModelTier } from './models';
import type { Complexity } from './plan';

/**
 * Start cheap and let the fallback matrix escalate. With the default prices an attempt on the tier
 * below costs about 1/20 (haiku vs sonnet) or 1/2 (sonnet vs opus) of one on the tier above, so starting
 * there pays off whenever it succeeds at least that often: a low bar for haiku on moderate tasks,
 * and for sonnet on critical ones, where opus would have to succeed twice as often as sonnet to be
 * the cheaper start. Starting critical tasks below the top also keeps a stronger model to escalate
 * to. Complex tasks stay on sonnet: each failed try uses one of the task's attempts. Must agree with
 * the `routing` defaults in lib/config.ts.
 */
export const DEFAULT_TIERS: Record<Complexity, ModelTier> = {
  simple: 'haiku',
  moderate: 'haiku',
  complex: 'sonnet',
  critical: 'sonnet',
};
