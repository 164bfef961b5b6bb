import os from 'node:os';
import Decimal from 'decimal.js';
import type { PlannedTask } from '../lib/plan';
import { createFakeActivities, simulationInput } from '../workflows/simulation/fakes';
import { seededRandom } from '../workflows/simulation/model';
import { simulateBuild } from '../workflows/simulation/runtime';
import { withSharedFiles } from '../workflows/simulation/shared-files';
import { serverRuns } from './conflicts-server';
import type { BenchModule } from './types';

/**
 * Issue 36: N tasks that each also edit one shared file the plan does not list (a route in
 * src/server.ts), at parallel 1, 3 and 8, through the real build and task bodies on the simulation
 * runtime, whose fake git conflicts exactly when the shared file changed on the build branch after the
 * attempt's worktree was made. "before": the workflow code as it was (patched() ids off: every conflict
 * is a counted redo); "after": learned claims, resolution first, races free, a redo alone (beside the
 * attempts older than its task's last try, whose resolutions wait for it), attempts one at a time once
 * a file's resolutions mostly fail; "redo waits for all": the redo waits for every running attempt, as
 * before the overlap.
 */

const SHARED = 'src/server.ts';
const SEEDS = 20;
const PARALLEL = [1, 3, 8];
const SIZES = [6, 12];
const ATTEMPT_USD = '0.002';
/** Assumptions of the resolution step (not measured): its success rate, duration and price. */
const RESOLVE_SUCCESS = 0.8;
const RESOLVE_MS = 60_000;
const RESOLVE_USD = '0.001';
/** The redo beside older attempts, their resolutions waiting for it: "redo waits for all" rows lack it. */
const OVERLAP = ['redo-beside-older-attempts', 'resolution-waits-for-redo'];
const CHANGES = [
  'conflict-claims',
  'merge-resolution',
  'merge-race-free',
  'conflict-redo-alone',
  'conflict-hot-when-mostly-failing',
  'resolution-reported',
  ...OVERLAP,
];

type Mode =
  | 'before'
  | 'after'
  | 'after, redo waits for all'
  | 'after, every resolution fails'
  | 'after, every resolution fails, redo waits for all';
const MODES: Mode[] = [
  'before',
  'after',
  'after, redo waits for all',
  'after, every resolution fails',
  'after, every resolution fails, redo waits for all',
];

interface Run {
  attempts: number;
  resolutions: number;
  resolved: number;
  redos: number;
  maxRedosPerTask: number;
  failedTasks: number;
  makespanMin: number;
  costUsd: Decimal;
}

const agentMinutes = (r: () => number) => 4 + Math.round(r() * 8);

/**
 * With every resolution failing and all tasks started at once, no schedule that redoes a task only once
 * its conflict is known does better than this: the first merge lands at the shortest first attempt, the
 * earliest conflict shows at the second shortest and its resolution must fail first; from then on each
 * of the other tasks needs a whole attempt after the previous merge (an attempt takes as long again).
 */
function lowerBoundMin(n: number, seed: number): number {
  const r = seededRandom(seed);
  const d = Array.from({ length: n }, () => agentMinutes(r)).sort((a, b) => a - b);
  return d.reduce((x, y) => x + y, 0) - d[0]! + d[1]! + RESOLVE_MS / 60_000;
}

async function once(n: number, parallel: number, mode: Mode, seed: number): Promise<Run> {
  const r = seededRandom(seed);
  const tasks: PlannedTask[] = Array.from({ length: n }, (_, i) => ({
    id: `t${String(i + 1).padStart(2, '0')}`,
    title: `Feature ${i + 1}`,
    description: `Feature ${i + 1}, with its route`,
    acceptance: [],
    dependsOn: [],
    files: [`src/feature${i + 1}.ts`],
  }));
  const minutes = new Map(tasks.map((t) => [t.id, agentMinutes(r)]));
  const p = { project: 'conflicts', source: 'heuristic' as const, tasks };
  let resolutions = 0;
  const fakes = createFakeActivities({
    plan: p,
    level: 'simple',
    agent: (call) => ({ durationMs: minutes.get(call.taskId)! * 60_000, costUsd: ATTEMPT_USD }),
    resolve: () => {
      resolutions += 1;
      const resolved = !mode.includes('fails') && mode !== 'before' && r() < RESOLVE_SUCCESS;
      return { durationMs: RESOLVE_MS, costUsd: RESOLVE_USD, resolved };
    },
  });
  const { activities, log } = withSharedFiles(fakes.activities, {
    touches: (id) => [SHARED, `src/${id}.ts`],
  });
  const sim = await simulateBuild({
    input: simulationInput(p, { parallel, budgetUsd: '100' }),
    activities,
    ...(mode === 'before' ? { unpatched: CHANGES } : {}),
    ...(mode.endsWith('redo waits for all') ? { unpatched: OVERLAP } : {}),
  });
  const redosOf = new Map<string, number>();
  for (const a of fakes.store.attempts)
    if (a.failureClass === 'MERGE_CONFLICT') redosOf.set(a.taskId, (redosOf.get(a.taskId) ?? 0) + 1);
  return {
    attempts: fakes.store.attempts.length,
    resolutions,
    resolved: log.resolved.length,
    redos: [...redosOf.values()].reduce((s, x) => s + x, 0),
    maxRedosPerTask: Math.max(0, ...redosOf.values()),
    failedTasks: [...fakes.store.tasks.values()].filter((t) => t.status === 'FAILED').length,
    makespanMin: (sim.endedAt - sim.startedAt) / 60_000,
    costUsd: new Decimal(sim.result.summary.spentUsd),
  };
}

/** The same scenario (6 tasks, today's workflows) on a real Temporal dev server with scripted activities. */
async function serverSection(): Promise<string[]> {
  const head = [`### On a real Temporal dev server (6 tasks, scripted activities, today's workflows)`, ''];
  const table: string[] = [];
  const load = () => os.loadavg()[0]!.toFixed(1);
  const loadAtStart = load();
  for (const success of [RESOLVE_SUCCESS, 0]) {
    const rows = await serverRuns(6, PARALLEL, success);
    if (typeof rows === 'string') return [...head, rows];
    const serial = rows.find((r) => r.parallel === 1)?.wallMs ?? NaN;
    table.push(
      ...rows.map(
        (r) =>
          `| ${success * 100}% | ${r.parallel} | ${r.outcome} | ${r.attempts} | ${r.resolutions} (${r.resolved} resolved) | ` +
          `${r.redos} | ${r.maxRedos} | ${r.failedTasks} | ${(r.wallMs / 1000).toFixed(1)} | ${(r.wallMs / serial).toFixed(2)} |`,
      ),
    );
  }
  return [
    ...head,
    'One worker in this process; agent runs take 0.3–1.1 s of wall time, a resolution 0.1 s; the scripted',
    `git conflicts exactly as the simulation's; the scripted resolver succeeds ${RESOLVE_SUCCESS * 100}% of the time, or never.`,
    'One run per row: wall times carry the noise of a shared 2-core machine.',
    `Load average (1 min) at the start: ${loadAtStart}, at the end: ${load()}, on ${os.cpus().length} cores.`,
    '',
    '| resolver succeeds | parallel | outcome | attempts | resolution calls | redos | max redos of a task | failed tasks | wall time s | vs p1 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...table,
  ];
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

async function run() {
  const rows: string[] = [];
  const serialOf = new Map<string, number>();
  for (const n of SIZES)
    for (const mode of MODES) {
      let serial = 0;
      for (const parallel of PARALLEL) {
        const runs: Run[] = [];
        for (let s = 1; s <= SEEDS; s++) runs.push(await once(n, parallel, mode, s * 7919 + n));
        const makespan = mean(runs.map((x) => x.makespanMin));
        if (parallel === 1) serial = makespan;
        if (parallel === 1) serialOf.set(`${n}/${mode}`, makespan);
        const cost = runs.reduce((s, x) => s.plus(x.costUsd), new Decimal(0)).div(runs.length);
        rows.push(
          `| ${n} | ${mode} | ${parallel} | ${mean(runs.map((x) => x.attempts)).toFixed(1)} | ` +
            `${mean(runs.map((x) => x.resolutions)).toFixed(1)} (${mean(runs.map((x) => x.resolved)).toFixed(1)} resolved) | ` +
            `${mean(runs.map((x) => x.redos)).toFixed(1)} | ${Math.max(...runs.map((x) => x.maxRedosPerTask))} | ` +
            `${runs.reduce((s, x) => s + x.failedTasks, 0)} | ${makespan.toFixed(1)} | ${(makespan / serial).toFixed(2)} | ` +
            `${cost.toFixed(3)} |`,
        );
      }
    }
  const all = Math.max(...PARALLEL);
  const bounds = SIZES.filter((n) => n <= all).map((n) => {
    const seeds = Array.from({ length: SEEDS }, (_, i) => (i + 1) * 7919 + n);
    const bound = mean(seeds.map((seed) => lowerBoundMin(n, seed)));
    const ratio = bound / serialOf.get(`${n}/after, every resolution fails`)!;
    return (
      `Every resolution failing, ${n} tasks at parallel ${all} (all start at once): no schedule that redoes a task ` +
      `only once its conflict is known can take less than ${bound.toFixed(1)} min, ${ratio.toFixed(2)}× p1 ` +
      '(the first merge lands at the shortest first attempt, the earliest conflict shows at the second shortest ' +
      'and its resolution must fail first, then each other task needs a whole attempt after the previous merge).'
    );
  });
  const markdown = [
    `${SEEDS} seeds per row; every task also edits \`${SHARED}\`, which no task lists; agents always succeed`,
    `(4–12 virtual minutes, $${ATTEMPT_USD} an attempt, at most 4 attempts a task), so every extra attempt is a`,
    `merge conflict. Resolution (assumed, not measured): succeeds ${RESOLVE_SUCCESS * 100}% of the time, takes`,
    `${RESOLVE_MS / 60_000} min and $${RESOLVE_USD}. Makespan in virtual minutes; "vs p1" is the same mode at parallel 1.`,
    '"redo waits for all": the same workflows without the overlap (patched ids off), as before it landed.',
    '',
    '| tasks | workflow | parallel | attempts | resolution calls | redos | max redos of a task | failed tasks (all seeds) | makespan min | vs p1 | cost USD |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...bounds,
    '',
    // BR_BENCH_SIM_ONLY=1 skips the server runs (a quick look at the simulation while changing it).
    ...(process.env.BR_BENCH_SIM_ONLY ? [] : await serverSection()),
  ].join('\n');
  return { title: 'Tasks sharing one file (simulation)', command: 'npm run bench -- conflicts', markdown };
}

const bench: BenchModule = { name: 'conflicts', run };
export default bench;
