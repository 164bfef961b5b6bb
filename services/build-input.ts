import type { ApprovalSettings } from '../lib/approval';
import type { DeliverySettings } from '../lib/delivery';
import { createHash } from 'node:crypto';
import type { BuildRunnerConfig } from '../lib/config';
import type { DtcgGroup } from '../lib/design/dtcg';
import { resolveDesign, type DesignRequest } from '../lib/design/request';
import { UserError } from '../lib/errors';
import type { AgentEngine, QualityGateSettings } from '../lib/contracts';
import { buildBranchName } from '../lib/ids';
import type { Plan } from '../lib/plan';
import { gateSettings } from '../lib/quality/gate';
import { isPositiveUsd, positiveUsdProblem } from '../lib/usd';
import type { BuildWorkflowInput } from '../workflows/core/types';

/** "My Shop!" → "my-shop": the project part of a readable workflow id. */
export function projectSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'project';
}

export function specHash(specContent: string): string {
  return createHash('sha256').update(specContent).digest('hex');
}

/**
 * `build-<project>-<first 8 hex of sha256(spec + base branch)>`: the same spec on the same base is the
 * same build, so starting it twice attaches to the running one; a changed spec or base is a new build.
 */
export function buildWorkflowId(project: string, specContent: string, baseBranch: string): string {
  const hash = createHash('sha256').update(specContent).update('\0').update(baseBranch).digest('hex');
  return `build-${projectSlug(project)}-${hash.slice(0, 8)}`;
}

/**
 * Temporal refuses a start whose input is over its payload limit (2 MiB on a default server) with only
 * "Blob data size exceeds limit". A build that plans itself carries its spec, so a spec near
 * planner.maxSpecBytes would hit that; refuse it here, before anything starts, saying what to do.
 */
export const MAX_BUILD_INPUT_BYTES = 1536 * 1024;

export function checkInputSize(input: BuildWorkflowInput): void {
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes <= MAX_BUILD_INPUT_BYTES) return;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const carried = input.specContent !== undefined ? 'the spec it plans from' : 'its plan';
  throw new UserError(
    `The build's input is ${mib(bytes)} with ${carried}, over the ${mib(MAX_BUILD_INPUT_BYTES)} a build can carry ` +
      `(Temporal refuses larger payloads). Nothing was started.`,
    {
      code: 'SPEC_TOO_LARGE',
      hint:
        input.specContent !== undefined && !input.repoUrl
          ? 'Plan it first (`br plan --out plan.json`), then `br build start --plan plan.json`; or split the spec into smaller specs.'
          : 'Split the spec into smaller specs and build them one at a time.',
    },
  );
}

export type StartDecision = 'start' | 'attach' | 'ended';

/**
 * Attach to a running (or continued-as-new, still running) build. A closed one is the answer, not a
 * reason to pay again: it starts a new run only when a rebuild is asked for.
 */
export function decideStart(existing: { status: string } | null, rebuild = false): StartDecision {
  if (!existing) return 'start';
  if (existing.status === 'RUNNING') return 'attach';
  return rebuild ? 'start' : 'ended';
}

export interface StartBuildOptions {
  specPath: string;
  /** A positive decimal such as "20" or "7.50" (lib/usd.ts); default: the config's budget.defaultUsd. */
  budgetUsd?: string;
  parallel?: number;
  baseBranch?: string;
  planner?: 'heuristic' | 'claude';
  estimator?: 'heuristic' | 'ai';
  /** The plan to build, made before the build starts (`br plan --out`, or planned by `br build start`). */
  plan?: Plan;
  /** What planning `plan` with Claude cost (decimal USD), charged to the build's budget. */
  planningCostUsd?: string;
  /** The build's repository: a git URL or a remote name (default: the checkout's origin); see build-repo.ts. */
  repo?: string;
  /** Build on the checkout itself, on this machine, even when it has a remote. */
  local?: boolean;
  /** The coding-agent engine for this build; default: agent.engine of the configuration. */
  engine?: AgentEngine;
  /** Start a new run even when the same build already ended (a running one is still attached to). */
  rebuild?: boolean;
  /** Wait for `br build approve` after planning, whatever approval.plan says (`--approve-plan`). */
  approvePlan?: boolean;
}

/** The workflow input for a build, from config and options. Never holds a secret. */
export function makeBuildInput(args: {
  config: BuildRunnerConfig;
  project: string;
  repoPath: string;
  specPathInRepo: string;
  specContent: string;
  options: StartBuildOptions;
  /** The repository by URL (remote build); absent: the checkout at repoPath. */
  repoUrl?: string;
  brand?: { name: string; document: DtcgGroup };
}): BuildWorkflowInput {
  const { config, options } = args;
  const baseBranch = options.baseBranch ?? 'main';
  const buildId = buildWorkflowId(args.project, args.specContent, baseBranch);
  const modelOf = (tier: string) => config.models.models.find((m) => m.tier === tier)?.id;
  const planner = options.planner ?? 'heuristic';
  const estimator = options.estimator ?? 'heuristic';
  const plannerModel = planner === 'claude' ? modelOf('sonnet') : undefined;
  const estimatorModel = estimator === 'ai' ? modelOf('haiku') : undefined;
  const { maxAttemptsPerTask, ...tiers } = config.routing;
  // The workflow reads this as an exact decimal: "Infinity", "-5" or "1e3" must not get that far.
  const budgetUsd = options.budgetUsd ?? config.budget.defaultUsd;
  if (!isPositiveUsd(budgetUsd))
    throw new UserError(`--budget ${positiveUsdProblem(budgetUsd)}.`, {
      code: 'CONFIG_INVALID',
      hint: 'Pass --budget with a positive amount, or fix budget.defaultUsd in buildrunner.config.json.',
    });
  return {
    buildId,
    project: args.project,
    repoPath: args.repoPath,
    // A remote build's workers have no checkout: the spec rides along for the planner. A build that plans
    // itself carries it too, so it plans the spec its id was made from, not a later edit of the file.
    ...(args.repoUrl ? { repoUrl: args.repoUrl } : {}),
    ...(args.repoUrl || !options.plan ? { specContent: args.specContent } : {}),
    baseBranch,
    buildBranch: buildBranchName(buildId),
    specPath: args.specPathInRepo,
    specHash: specHash(args.specContent),
    ...(options.plan ? { plan: options.plan } : {}),
    // An exact non-zero decimal only: the workflow adds it to the ledger with Decimal.
    ...(options.plan && options.planningCostUsd && isPositiveUsd(options.planningCostUsd)
      ? { planningCostUsd: options.planningCostUsd }
      : {}),
    planner,
    ...(plannerModel && !options.plan ? { plannerModel } : {}),
    estimator,
    ...(estimatorModel ? { estimatorModel } : {}),
    budgetUsd,
    parallel: options.parallel ?? config.parallel,
    routing: {
      tiers,
      maxAttemptsPerTask,
      catalog: config.models,
      outageWaitMinutes: config.anthropic.outageWaitMinutes,
    },
    alertThresholds: config.budget.alertThresholds,
    // Only when set: builds on the default wait keep the input they always had.
    ...(config.budget.waitMinutes !== undefined
      ? { budgetWaitMs: Math.round(config.budget.waitMinutes * 60_000) }
      : {}),
    ...(config.agent.verifyCommand ? { verifyCommand: config.agent.verifyCommand } : {}),
    ...qualityGateOf(config),
    ...approvalOf(config, options.approvePlan),
    ...deliveryOf(config),
    ...agentEngineOf(options.engine, config.agent.engine),
    ...designOf(config, args.specContent, args.brand),
  };
}

/** Only builds with a gate carry `approval`: the others start with the same input as before gates. */
function approvalOf(config: BuildRunnerConfig, approvePlan?: boolean): { approval?: ApprovalSettings } {
  const plan = approvePlan === true || config.approval.plan;
  const delivery = config.approval.delivery;
  if (!plan && !delivery) return {};
  const { timeoutHours, onTimeout } = config.approval;
  return { approval: { plan, ...(delivery ? { delivery } : {}), timeoutHours, onTimeout } };
}

/** Only builds that deliver carry `delivery`; a delivery gate with nothing to deliver is refused. */
function deliveryOf(config: BuildRunnerConfig): { delivery?: DeliverySettings } {
  const { mode, github } = config.delivery;
  if (mode !== 'none')
    return { delivery: { mode, ...(mode === 'pull-request' && github ? { github } : {}) } };
  if (config.approval.delivery)
    throw new UserError(
      'approval.delivery is on, but delivery.mode is "none": there is nothing to approve.',
      {
        code: 'CONFIG_INVALID',
        hint: 'Set delivery.mode to "merge" in buildrunner.config.json, or turn approval.delivery off.',
      },
    );
  return {};
}

function qualityGateOf(config: BuildRunnerConfig): { qualityGate?: QualityGateSettings } {
  const qualityGate = gateSettings(config.quality, config.gaps.testResults);
  return qualityGate ? { qualityGate } : {};
}

/** Pinned on the build when chosen for it or not the default, so builds that keep the builtin engine look as before. */
function agentEngineOf(
  chosen: AgentEngine | undefined,
  configured: AgentEngine,
): { agentEngine?: AgentEngine } {
  const engine = chosen ?? configured;
  return chosen || engine !== 'builtin' ? { agentEngine: engine } : {};
}

function designOf(
  config: BuildRunnerConfig,
  spec: string,
  brand: { name: string; document: DtcgGroup } | undefined,
): { design?: DesignRequest } {
  const design = resolveDesign({ config: config.design, spec, ...(brand ? { brand } : {}) });
  return design ? { design } : {};
}
