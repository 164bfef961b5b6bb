import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildBackend } from '../../services/build-backend';
import type { BuildListEntry, BuildLogLine, StartedBuild } from '../../services/builds';
import type { BuildNow } from '../../services/build-types';
import { prepareBuild } from '../../services/builds';
import { planFromMarkdown } from '../../lib/planner/heuristic';
import { createFakeActivities, type SimStore } from '../../workflows/simulation/fakes';
import { SIM_EPOCH, simulateBuild } from '../../workflows/simulation/runtime';
import type { BuildHandlers } from '../../workflows/core/port';
import type { ProgressSnapshot } from '../../workflows/core/progress';
import type { BuildWorkflowInput } from '../../workflows/core/types';
import type { Plan } from '../../lib/plan';

/**
 * A build backend on the in-process simulation runtime, for CLI tests only. Each build is a
 * deterministic simulation; its "now" advances by `stepMs` of virtual time on every progress query,
 * and steering commands are recorded at the virtual time they arrive. The state at any time is the
 * simulation replayed with those controls, so separate CLI invocations see one consistent build.
 */

interface SimBuild {
  input: BuildWorkflowInput;
  plan: Plan;
  clockMs: number;
  controls: { afterMs: number; apply: (h: BuildHandlers) => void }[];
  last?: { snapshot: ProgressSnapshot; finished: boolean; store: SimStore };
}

export interface SimBuildBackend extends BuildBackend {
  builds: Map<string, SimBuild>;
}

const TERMINAL = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED']);

export function createSimBuildBackend(
  options: { stepMs?: number; agentMs?: number; agentCostUsd?: string } = {},
): SimBuildBackend {
  const builds = new Map<string, SimBuild>();
  const stepMs = options.stepMs ?? 30_000;

  async function replay(build: SimBuild): Promise<NonNullable<SimBuild['last']>> {
    const { activities, store } = createFakeActivities({
      plan: build.plan,
      agent: () => ({ durationMs: options.agentMs ?? 60_000, costUsd: options.agentCostUsd ?? '0.05' }),
    });
    let handlers: BuildHandlers | undefined;
    let captured: ProgressSnapshot | undefined;
    const run = await simulateBuild({
      input: build.input,
      activities,
      startAt: SIM_EPOCH,
      controls: [
        { afterMs: 0, apply: (h) => void (handlers = h) },
        ...build.controls,
        { afterMs: build.clockMs, apply: (h) => void (captured = h.progress()) },
        // Past the observed instant nothing is looked at; ending the run there keeps a paused build from stalling.
        { afterMs: build.clockMs + 1, apply: (h) => h.cancel('end of observation') },
      ],
    });
    const finished = run.endedAt - SIM_EPOCH <= build.clockMs;
    const snapshot = finished || !captured ? handlers!.progress() : captured;
    return { snapshot, finished: finished || TERMINAL.has(snapshot.status), store };
  }

  const require = (id: string): SimBuild => {
    const build = builds.get(id);
    if (!build) throw new Error(`No build "${id}". List builds with \`br build list\`.`);
    return build;
  };
  const link = (id: string) => `sim://builds/${id}`;
  const stateOf = (build: SimBuild): BuildNow =>
    build.last?.finished
      ? { status: 'COMPLETED', outcome: build.last.snapshot.status, closedAt: null }
      : 'running';

  return {
    builds,
    async start(ctx, opts): Promise<StartedBuild> {
      const prepared = prepareBuild(ctx, opts);
      const existing = builds.get(prepared.buildId);
      if (existing && (!existing.last?.finished || !opts.rebuild)) {
        const now = stateOf(existing);
        return {
          buildId: prepared.buildId,
          workflowId: prepared.buildId,
          runId: 'sim',
          attached: now === 'running',
          ...(now === 'running' ? {} : { ended: now }),
          webUiUrl: link(prepared.buildId),
          input: existing.input,
        };
      }
      const plan =
        prepared.plan ??
        planFromMarkdown(
          readFileSync(path.join(prepared.repoPath, prepared.specPath), 'utf8'),
          prepared.project,
        );
      const build: SimBuild = { input: { ...prepared, plan }, plan, clockMs: 0, controls: [] };
      builds.set(prepared.buildId, build);
      build.last = await replay(build);
      return {
        buildId: prepared.buildId,
        workflowId: prepared.buildId,
        runId: 'sim',
        attached: false,
        webUiUrl: link(prepared.buildId),
        input: build.input,
      };
    },
    async lookup(_ctx, id) {
      const build = builds.get(id);
      return build ? stateOf(build) : null;
    },
    async progress(_ctx, id) {
      const build = require(id);
      build.clockMs += stepMs;
      build.last = await replay(build);
      return { ...build.last.snapshot, webUiUrl: link(id) };
    },
    async list(_ctx, filter): Promise<BuildListEntry[]> {
      return [...builds.entries()]
        .map(([id, b]) => ({
          workflowId: id,
          runId: 'sim',
          status: b.last?.finished ? 'COMPLETED' : 'RUNNING',
          outcome: b.last?.finished ? b.last.snapshot.status : null,
          project: b.input.project,
          startTime: new Date(SIM_EPOCH).toISOString(),
          closeTime: null,
          webUiUrl: link(id),
        }))
        .filter((b) => !filter.project || b.project === filter.project)
        .filter((b) => !filter.status || b.status === filter.status.toUpperCase());
    },
    async signal(_ctx, id, action, reason) {
      const build = require(id);
      const at = build.clockMs;
      build.controls.push({
        afterMs: at,
        apply: (h) => (action === 'pause' ? h.pause() : action === 'resume' ? h.resume() : h.cancel(reason)),
      });
      build.last = await replay(build);
      return { workflowId: id, action, webUiUrl: link(id) };
    },
    async raiseBudget(_ctx, id, usd) {
      const build = require(id);
      build.controls.push({ afterMs: build.clockMs, apply: (h) => h.raiseBudget(usd) });
      build.last = await replay(build);
      return { workflowId: id, raisedUsd: usd, webUiUrl: link(id) };
    },
    async logs(_ctx, id, opts): Promise<BuildLogLine[]> {
      const build = require(id);
      const events = [...(build.last?.store.events.values() ?? [])]
        .filter((e) => !opts.task || e.taskId === opts.task)
        .sort((a, b) => a.at - b.at || a.dedupeKey.localeCompare(b.dedupeKey));
      return events.map((e, i) => ({
        eventId: i + 1,
        time: new Date(e.at).toISOString(),
        type: e.type,
        detail: `${e.type}${e.taskId ? ` ${e.taskId}` : ''}${e.model ? ` ${e.model}` : ''}`,
      }));
    },
  };
}
