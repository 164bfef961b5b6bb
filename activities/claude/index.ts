import type Anthropic from '@anthropic-ai/sdk';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  BuildActivities,
  EstimateInput,
  PlanBuildInput,
  ResolveConflictInput,
  RunAgentInput,
} from '../../lib/contracts';
import type { BuildRunnerConfig } from '../../lib/config';
import type { Database } from '../../lib/db/connection';
import { FailureClass } from '../../lib/failures';
import type { Plan } from '../../lib/plan';
import { attachRequirements, parseRequirements } from '../../lib/requirements';
import { callKeyPrefix } from './activity-context';
import { ENGINES } from './engines';
import { createAnthropicClient } from './client';
import { failure } from '../failure';
import { estimateWithClaude } from './estimator';
import { heuristicEstimates, heuristicPlan } from './heuristic';
import { planWithClaude } from './planner';
import { sandboxPolicy } from '../../lib/sandbox/policy';
import { defaultCacheDir } from '../git/cache-dir';
import { costSpoolDir } from './attempt/spool';
import { resolveLocalConflict, resolveRemoteConflict, type ResolveContext } from '../git/resolve';
import { askResolution } from './resolver';

export type ClaudeActivities = Pick<
  BuildActivities,
  'planBuild' | 'estimateComplexity' | 'runAgent' | 'resolveConflict'
>;

export interface ClaudeActivityDeps {
  db: Database;
  config: BuildRunnerConfig;
  /** Read by the worker process (activities/api-key.ts); never put in an input, result, log or error. */
  apiKey: string | undefined;
  /** Folder that relative repoPath values are resolved against. */
  repoRoot?: string;
  /** Environment the agent's allowed commands start from (scrubbed of secrets); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** The claude-code engine's binary instead of the one the Claude Agent SDK ships. */
  claudeCodeExecutable?: string;
  /** This worker's folder of cache clones (remote builds); default: defaultCacheDir(). */
  cacheDir?: string;
}

/**
 * The Claude activities. Offline modes (heuristic planner and estimator) need no key; everything that
 * calls Claude without one fails with AUTH and says how to set it.
 */
export function createClaudeActivities(deps: ClaudeActivityDeps): ClaudeActivities {
  let client: Anthropic | undefined;
  const anthropic = (): Anthropic => {
    if (!deps.apiKey)
      throw failure(
        FailureClass.AUTH,
        'ANTHROPIC_API_KEY is not set for this worker. Export it (or put it in .env) where `br worker` runs, ' +
          'or use the heuristic planner and estimator, which need no key.',
      );
    client ??= createAnthropicClient(deps.config, deps.apiKey);
    return client;
  };
  const catalog = deps.config.models;

  return {
    async planBuild(input: PlanBuildInput) {
      const repo = path.resolve(deps.repoRoot ?? process.cwd(), input.repoPath);
      const specFile = path.resolve(repo, input.specPath);
      // A remote build carries its spec: this worker has no checkout of it.
      const read =
        input.specContent !== undefined ? Promise.resolve(input.specContent) : readFile(specFile, 'utf8');
      const spec = await read.catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        throw failure(
          FailureClass.SPEC_MISSING,
          `The spec ${input.specPath} is not in ${repo} on this worker.`,
        );
      });
      // Every task names the spec requirements it serves, whichever planner made it (lib/requirements).
      const traced = (planned: { plan: Plan; costUsd: string }) => ({
        ...planned,
        plan: attachRequirements(planned.plan, parseRequirements(spec)),
      });
      if (input.planner === 'heuristic')
        return traced({ plan: heuristicPlan(spec, input.project), costUsd: '0' });
      return traced(
        await planWithClaude({
          client: anthropic(),
          db: deps.db,
          catalog,
          project: input.project,
          spec,
          buildId: input.buildId,
          model: input.model,
          fallbackKeyPrefix: callKeyPrefix(`${input.buildId}/plan`),
          apiKey: deps.apiKey,
        }),
      );
    },

    async estimateComplexity(input: EstimateInput) {
      if (input.mode === 'heuristic')
        return { estimates: heuristicEstimates(input.tasks, deps.config), costUsd: '0' };
      return estimateWithClaude({
        client: anthropic(),
        db: deps.db,
        catalog,
        buildId: input.buildId,
        tasks: input.tasks,
        model: input.model,
        fallbackKeyPrefix: callKeyPrefix(`${input.buildId}/estimate`),
        apiKey: deps.apiKey,
      });
    },

    async runAgent(input: RunAgentInput) {
      const resolved = {
        ...input,
        worktreePath: path.resolve(deps.repoRoot ?? process.cwd(), input.worktreePath),
      };
      // The engine is chosen here, inside the activity, so the workflows' commands are the same for both.
      const engine = input.engine ?? deps.config.agent.engine;
      return ENGINES[engine](
        {
          client: anthropic(),
          db: deps.db,
          config: deps.config,
          apiKey: deps.apiKey,
          env: deps.env,
          ...(deps.claudeCodeExecutable ? { claudeCodeExecutable: deps.claudeCodeExecutable } : {}),
          spoolDir: costSpoolDir(deps.cacheDir ?? defaultCacheDir()),
        },
        resolved,
      );
    },

    async resolveConflict(input: ResolveConflictInput) {
      const ctx: ResolveContext = {
        policy: sandboxPolicy(deps.config),
        verifyCommand: input.verifyCommand?.trim() || deps.config.agent.verifyCommand || undefined,
        verifyTimeoutSeconds: input.verifyTimeoutSeconds || deps.config.agent.commandTimeoutSeconds,
        ask: (question) =>
          askResolution(
            {
              client: anthropic(),
              db: deps.db,
              catalog,
              model: input.model,
              buildId: input.buildId,
              taskId: input.taskId,
              attempt: input.attempt,
              fallbackKeyPrefix: callKeyPrefix(`${input.buildId}/${input.taskId}/${input.attempt}/resolve`),
              apiKey: deps.apiKey,
            },
            question,
          ),
      };
      if (input.repoUrl)
        return resolveRemoteConflict(
          { ...input, repoUrl: input.repoUrl },
          ctx,
          deps.cacheDir ?? defaultCacheDir(),
        );
      const repoPath = path.resolve(deps.repoRoot ?? process.cwd(), input.repoPath);
      return resolveLocalConflict({ ...input, repoPath }, ctx);
    },
  };
}
