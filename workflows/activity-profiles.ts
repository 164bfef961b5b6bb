/**
 * The activity proxies of the build and task workflows, one block per retry/timeout profile. Claude
 * activities never retry in the SDK: workflows/core/fallback.ts is the one retry layer and needs to see
 * every failure (a blind SDK retry could also pay twice for the same call).
 */
import { patched, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { BuildActivities } from '../lib/contracts';
import { FailureClass } from '../lib/failures';
import { DEFAULT_MODEL_QUEUE_PREFIX, modelQueueName } from '../lib/ids';
import { MEMO } from './messages';
import { NOTIFY_ATTEMPTS, NOTIFY_GRACE_MS } from './core/notifier';

type Activities = BuildActivities;

/**
 * Failures the workflow decides about; retrying them in the SDK would only repeat the same answer.
 * (The user-fixable ones are also marked nonRetryable by activities/failure.ts, whatever the profile.)
 */
export const DOMAIN_FAILURES: string[] = Object.values(FailureClass);

/**
 * A worker that died mid-agent is noticed after this long and the attempt runs again at once on another
 * worker (describeError: worker lost). Short because the activity heartbeats every 5 s in the background
 * (withKeepAlive, KEEP_ALIVE_MS), not only between turns: a slow Claude answer never trips it, and two
 * beats fit in it. Lowered from 30 s for takeover (issue 27, `npm run bench -- takeover`); the beats a
 * healthy worker sends are the same (keep-alive 5 s, throttle 2 s). Changing it alters no command.
 */
export const AGENT_HEARTBEAT = '10 seconds';

/**
 * Git steps run hooks and `npm test`, which may hold the worker's event loop in synchronous git calls;
 * they keep the longer window (a killed merge retries after it plus the 2 s retry interval).
 */
export const GIT_HEARTBEAT = '30 seconds';

const CLAUDE_CALL: ActivityOptions = {
  // One attempt: the workflow classifies the failure and picks the wait, the model or the stop.
  retry: { maximumAttempts: 1 },
  // Generous: a long agent run; liveness is checked by the heartbeat, not by this timeout.
  startToCloseTimeout: '90 minutes',
  // A queued call waits for a free slot on its model queue (the fleet-wide rate limit), not forever.
  scheduleToStartTimeout: '2 hours',
};

export const GIT: ActivityOptions = {
  // Commit runs the repository's hooks and verification runs its tests; both can take minutes.
  startToCloseTimeout: '30 minutes',
  // The worker heartbeats git activities in the background (worker/activities.ts): a worker killed
  // mid-merge is noticed after this long, not after the 30 minutes above.
  heartbeatTimeout: GIT_HEARTBEAT,
  // Worktree, commit and merge steps are idempotent by branch name, so transient errors retry safely.
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: DOMAIN_FAILURES,
  },
};

/** The offline heuristic planner and estimator: pure CPU on the spec, done in seconds. */
export const LOCAL: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  // Only a crashed worker is worth retrying; a spec that does not plan fails the same way every time.
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: DOMAIN_FAILURES,
  },
};

const RECORD: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  // Records are idempotent (dedupe keys, upserts); keep trying through a database restart.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
};

/**
 * Record steps heartbeat too (the worker's keep-alive, worker/activities.ts KEPT_ALIVE): a worker killed
 * while it wrote a record was noticed only at the 1-minute start-to-close, and the build loop waits for
 * its records before it answers the next reservation, so every task asking for one (a killed agent's
 * retry among them) waited ~61 s (issue 27, takeover). A healthy record takes well under the 5 s
 * keep-alive period, so it sends no beat at all.
 */
export const RECORD_HEARTBEAT = '10 seconds';

const git = proxyActivities<Activities>(GIT);
const local = proxyActivities<Activities>(LOCAL);
const recordBefore = proxyActivities<Activities>(RECORD);
const recordKeptAlive = proxyActivities<Activities>({ ...RECORD, heartbeatTimeout: RECORD_HEARTBEAT });
/** Histories recorded before the record heartbeat replay with the options they were scheduled with. */
const record = (): Activities => (patched('record-heartbeat') ? recordKeptAlive : recordBefore);

/** config.ts's default `temporal.modelTaskQueuePrefix`, for builds started without the memo. */
export { DEFAULT_MODEL_QUEUE_PREFIX };

function modelQueue(model: string): string {
  const memo = workflowInfo().memo?.[MEMO.modelTaskQueuePrefix];
  const prefix = typeof memo === 'string' && memo ? memo : DEFAULT_MODEL_QUEUE_PREFIX;
  return modelQueueName(prefix, model);
}

function claude(model: string | undefined, summary: string, extra: ActivityOptions = {}): Activities {
  return proxyActivities<Activities>({
    ...CLAUDE_CALL,
    ...extra,
    // Per-model queue: a fleet-wide rate limit per model is a task-queue setting on the workers.
    ...(model ? { taskQueue: modelQueue(model) } : {}),
    summary,
  });
}

/** The activities with each call routed to its profile (and Claude calls to their model's queue). */
export function buildActivities(): Activities {
  return {
    planBuild: (input) =>
      input.planner === 'claude'
        ? claude(input.model, `plan ${input.specPath} · ${input.model ?? 'default model'}`).planBuild(input)
        : local.planBuild(input),
    estimateComplexity: (input) =>
      input.mode === 'ai'
        ? claude(
            input.model,
            `estimate ${input.tasks.length} tasks · ${input.model ?? 'default model'}`,
          ).estimateComplexity(input)
        : local.estimateComplexity(input),
    runAgent: (input) =>
      claude(input.model, `${input.taskId} · ${input.model} · attempt ${input.attempt}`, {
        heartbeatTimeout: AGENT_HEARTBEAT,
      }).runAgent(input),
    // Works in the merge worktree like mergeTask, but calls Claude: a Claude call's profile and queue.
    resolveConflict: (input) =>
      claude(input.model, `${input.taskId} · resolve merge conflict · ${input.model}`, {
        heartbeatTimeout: AGENT_HEARTBEAT,
      }).resolveConflict(input),
    ensureBuildBranch: (input) => git.ensureBuildBranch(input),
    prepareWorktree: (input) => git.prepareWorktree(input),
    commitTask: (input) => git.commitTask(input),
    verifyTask: (input) =>
      proxyActivities<Activities>({
        ...GIT,
        startToCloseTimeout: `${input.timeoutSeconds + 60} seconds`,
      }).verifyTask(input),
    checkQualityGate: (input) =>
      proxyActivities<Activities>({
        ...GIT,
        // The gate runs tsc, ESLint and jscpd on the change: bounded by its own timeout, not the 30 minutes.
        startToCloseTimeout: `${input.gate.timeoutSeconds + 60} seconds`,
        summary: `${input.taskId} · quality gate`,
      }).checkQualityGate(input),
    mergeTask: (input) => git.mergeTask(input),
    cleanupTask: (input) => git.cleanupTask(input),
    markFeaturesDelivered: (input) => git.markFeaturesDelivered(input),
    deliverBuild: (input) =>
      proxyActivities<Activities>({
        ...GIT,
        summary: `deliver: ${input.mode} ${input.buildBranch} into ${input.baseBranch}`,
      }).deliverBuild(input),
    recordBuild: (input) => record().recordBuild(input),
    recordTask: (input) => record().recordTask(input),
    recordAttempt: (input) => record().recordAttempt(input),
    emitEvents: (input) => record().emitEvents(input),
    attemptCost: (input) => record().attemptCost(input),
    notify: (input) =>
      proxyActivities<Activities>({
        // The activity aborts the sink at its timeout; the grace covers the ledger's writes. A worker that
        // died mid-delivery is noticed after this long, and the retry asks the ledger what happened.
        startToCloseTimeout: input.sink.timeoutMs + NOTIFY_GRACE_MS,
        // Few tries: a sink's own failures are final or retried inside its timeout; these are for crashes.
        retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: NOTIFY_ATTEMPTS },
        summary: `notify ${input.sink.id} · ${input.event.type}`,
      }).notify(input),
  };
}
