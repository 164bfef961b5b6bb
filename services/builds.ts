import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { DtcgGroup } from '../lib/design/dtcg';
import { badValue, UserError, userFailure } from '../lib/errors';
import { FailureClass } from '../lib/failures';
import { isPositiveUsd, positiveUsdProblem } from '../lib/usd';
import type { ProgressSnapshot } from '../workflows/core/progress';
import type { BuildWorkflowInput } from '../workflows/core/types';
import type { SteeringState } from '../workflows/messages';
import { checkInputSize, decideStart, makeBuildInput, type StartBuildOptions } from './build-input';
import { checkBuildStart, workerWarnings } from './build-preflight';
import { readSpecFile } from './spec-file';
import type { BuildAction, BuildListEntry, BuildNow, EndedBuild, StartedBuild } from './build-types';
import type { ServiceContext } from './context';
import { projectName } from './plan-source';
import { webUiLink, withTemporal } from './temporal-client';

/**
 * The build client: start, inspect and steer build workflows. Plain functions returning typed data, for
 * the CLI (`br build …`) and any later front end. Each result carries the Temporal Web UI link.
 */

export { buildWorkflowId, decideStart, projectSlug } from './build-input';
export type { StartBuildOptions } from './build-input';
export type { BuildAction, BuildListEntry, BuildLogLine, StartedBuild } from './build-types';

export function prepareBuild(
  ctx: ServiceContext,
  options: StartBuildOptions,
  repoUrl?: string,
): BuildWorkflowInput {
  const specFile = path.resolve(ctx.cwd, options.specPath);
  if (!existsSync(specFile))
    throw userFailure(
      FailureClass.SPEC_MISSING,
      `Spec file not found: ${specFile}. Pass the path of your PROJECT_SPEC.md.`,
    );
  const repoPath = ctx.root;
  const specPathInRepo = path.relative(repoPath, specFile);
  if (specPathInRepo.startsWith('..'))
    throw userFailure(
      FailureClass.SPEC_MISSING,
      `The spec ${specFile} is outside the repository ${repoPath}. Run br from the repository.`,
    );
  const project = projectName(ctx);
  const specContent = readSpecFile(ctx, options.specPath, { requireWork: !options.plan });
  const brand = readDesignBrand(ctx);
  return makeBuildInput({
    config: ctx.config,
    project,
    repoPath,
    specPathInRepo,
    specContent,
    options,
    brand,
    ...(repoUrl ? { repoUrl } : {}),
  });
}

export async function startBuild(ctx: ServiceContext, options: StartBuildOptions): Promise<StartedBuild> {
  const { checkRemoteBase, resolveRepoUrl } = await import('./build-repo');
  const repoUrl = await resolveRepoUrl(ctx.root, options);
  const { notifySettings } = await import('./notify');
  // The configured sinks, checked against the plugins here: a bad notify config starts nothing.
  const input = { ...prepareBuild(ctx, options, repoUrl), ...(await notifySettings(ctx)) };
  checkInputSize(input);
  await checkBuildStart(input);
  const repoWarnings = repoUrl ? await checkRemoteBase(ctx.root, repoUrl, input.baseBranch) : [];
  const { MEMO } = await import('../workflows/messages');
  return withTemporal(ctx, async (client) => {
    const answer = (info: WorkflowExecutionDescription, decision: 'attach' | 'ended'): StartedBuild => ({
      buildId: input.buildId,
      workflowId: input.buildId,
      runId: info.runId,
      attached: decision === 'attach',
      ...(decision === 'ended' ? { ended: endedOf(info) } : {}),
      webUiUrl: webUiLink(ctx, input.buildId),
      input,
      warnings: repoWarnings,
    });
    const existing = await describeOrNull(client, input.buildId);
    const decision = decideStart(existing ? { status: existing.status.name } : null, options.rebuild);
    if (decision !== 'start') return answer(existing!, decision);
    const warnings = [...repoWarnings, ...(await workerWarnings(ctx, client))];
    const { WorkflowExecutionAlreadyStartedError } = await import('@temporalio/client');
    let handle;
    try {
      handle = await client.workflow.start('buildWorkflow', {
        workflowId: input.buildId,
        taskQueue: ctx.config.temporal.taskQueue,
        args: [input],
        // A race with another start of the same build fails here and attaches below, so only the start
        // that made the run says "started" (USE_EXISTING told every racer it had started the build).
        workflowIdConflictPolicy: 'FAIL',
        // A closed build is never run again by accident: only a rebuild may start a new run of its id.
        workflowIdReusePolicy: options.rebuild ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
        memo: {
          [MEMO.project]: input.project,
          [MEMO.specPath]: input.specPath,
          [MEMO.budgetUsd]: input.budgetUsd,
          [MEMO.modelTaskQueuePrefix]: ctx.config.temporal.modelTaskQueuePrefix,
        },
        staticSummary: `Build ${input.project} · ${input.specPath} · budget $${input.budgetUsd} · parallel ${input.parallel}`,
        staticDetails: `Repository ${input.repoUrl ?? input.repoPath}, base branch ${input.baseBranch}, build branch ${input.buildBranch}, planner ${input.planner}.`,
      });
    } catch (err) {
      // Another start made the run between the look and this start (attach), or the build closed (answer
      // with it): Temporal refused a second run either way.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const closed = await describeOrNull(client, input.buildId);
      if (!closed) throw err;
      return answer(closed, closed.status.name === 'RUNNING' ? 'attach' : 'ended');
    }
    return {
      buildId: input.buildId,
      workflowId: input.buildId,
      runId: handle.firstExecutionRunId,
      attached: false,
      webUiUrl: webUiLink(ctx, input.buildId),
      input,
      warnings,
    };
  });
}

/** A closed build: Temporal's status, and the build's own outcome from the memo when it wrote one. */
function endedOf(info: WorkflowExecutionDescription): EndedBuild {
  const memo = info.memo?.outcome;
  return {
    status: info.status.name,
    outcome: typeof memo === 'string' ? memo : info.status.name,
    closedAt: info.closeTime?.toISOString() ?? null,
  };
}

async function describeOrNull(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription | null> {
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

export async function lookupBuild(ctx: ServiceContext, id: string): Promise<BuildNow | null> {
  return withTemporal(ctx, async (client) => {
    const info = await describeOrNull(client, id);
    if (!info) return null;
    return info.status.name === 'RUNNING' ? 'running' : endedOf(info);
  });
}

export async function requireBuild(client: Client, id: string): Promise<WorkflowExecutionDescription> {
  const info = await describeOrNull(client, id);
  if (!info)
    throw new UserError(`No build "${id}" on this Temporal namespace. List builds with \`br build list\`.`);
  return info;
}

export async function getProgress(
  ctx: ServiceContext,
  id: string,
): Promise<ProgressSnapshot & { webUiUrl: string | null }> {
  const { progressQuery } = await import('../workflows/messages');
  return withTemporal(ctx, async (client) => {
    await requireBuild(client, id);
    const progress = await client.workflow.getHandle(id).query(progressQuery);
    return { ...progress, webUiUrl: webUiLink(ctx, id) };
  });
}

const TEMPORAL_STATUS =
  /^(RUNNING|COMPLETED|FAILED|CANCELED|CANCELLED|TERMINATED|CONTINUED_AS_NEW|TIMED_OUT)$/;

export async function listBuilds(
  ctx: ServiceContext,
  filter: { status?: string; project?: string; limit?: number } = {},
): Promise<BuildListEntry[]> {
  const status = filter.status?.toUpperCase();
  if (status && !TEMPORAL_STATUS.test(status))
    throw badValue(
      `Unknown status "${filter.status}". Use one of: running, completed, failed, cancelled, terminated.`,
    );
  const query = [`WorkflowType = 'buildWorkflow'`];
  if (status) query.push(`ExecutionStatus = '${status === 'CANCELLED' ? 'Canceled' : titleCase(status)}'`);
  return withTemporal(ctx, async (client) => {
    const out: BuildListEntry[] = [];
    for await (const wf of client.workflow.list({ query: query.join(' AND ') })) {
      const project = typeof wf.memo?.project === 'string' ? wf.memo.project : null;
      if (filter.project && project !== filter.project) continue;
      out.push({
        workflowId: wf.workflowId,
        runId: wf.runId,
        status: wf.status.name,
        outcome: typeof wf.memo?.outcome === 'string' ? wf.memo.outcome : null,
        project,
        startTime: wf.startTime.toISOString(),
        closeTime: wf.closeTime?.toISOString() ?? null,
        webUiUrl: webUiLink(ctx, wf.workflowId),
      });
      if (out.length >= (filter.limit ?? 100)) break;
    }
    return out;
  });
}

const titleCase = (s: string) =>
  s
    .toLowerCase()
    .split('_')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

const PAST: Record<BuildAction, string> = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' };

/** Runs a steering Update; a rejection (the workflow's validator) becomes a UserError with its reason. */
async function steer(id: string, what: string, fn: () => Promise<SteeringState>): Promise<SteeringState> {
  const { WorkflowUpdateFailedError } = await import('@temporalio/client');
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause?.message ?? err.message;
      throw new UserError(`Build ${id} did not accept the ${what}: ${reason}.`);
    }
    throw err;
  }
}

export async function signalBuild(ctx: ServiceContext, id: string, action: BuildAction, reason?: string) {
  const messages = await import('../workflows/messages');
  return withTemporal(ctx, async (client) => {
    const info = await requireBuild(client, id);
    if (info.status.name !== 'RUNNING')
      throw new UserError(
        `Build ${id} is ${info.status.name.toLowerCase()}, so it cannot be ${PAST[action]}.`,
      );
    const handle = client.workflow.getHandle(id);
    let state: SteeringState | undefined;
    if (action === 'pause')
      state = await steer(id, 'pause', () => handle.executeUpdate(messages.pauseUpdate));
    else if (action === 'resume') await handle.signal(messages.resumeSignal);
    else await handle.signal(messages.cancelSignal, reason);
    return { workflowId: id, action, webUiUrl: webUiLink(ctx, id), ...(state ? { state } : {}) };
  });
}

export async function raiseBudget(ctx: ServiceContext, id: string, amount: string) {
  if (!isPositiveUsd(amount)) throw badValue(`--raise ${positiveUsdProblem(amount, '5 or 12.50')}.`);
  const messages = await import('../workflows/messages');
  return withTemporal(ctx, async (client) => {
    const info = await requireBuild(client, id);
    if (info.status.name !== 'RUNNING')
      throw new UserError(`Build ${id} is ${info.status.name.toLowerCase()}; its budget is final.`);
    const handle = client.workflow.getHandle(id);
    const state = await steer(id, 'budget raise', () =>
      handle.executeUpdate(messages.raiseBudgetUpdate, { args: [amount] }),
    );
    return { workflowId: id, raisedUsd: amount, webUiUrl: webUiLink(ctx, id), state };
  });
}

export { buildLogs } from './build-logs';

/** The configured DTCG brand file, read at start so workers need not reach the user's disk. */
function readDesignBrand(ctx: ServiceContext): { name: string; document: DtcgGroup } | undefined {
  const file = ctx.config.design?.brand;
  if (!file) return undefined;
  const full = path.resolve(ctx.root, file);
  try {
    const document = JSON.parse(readFileSync(full, 'utf8')) as DtcgGroup;
    return { name: path.basename(full).replace(/(\.tokens)?\.json$/, ''), document };
  } catch (err) {
    throw new UserError(
      `design.brand ${file} cannot be read as JSON (${(err as Error).message}); fix the path in buildrunner.config.json.`,
    );
  }
}
