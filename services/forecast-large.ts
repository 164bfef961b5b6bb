/**
 * The forecast of a large remaining plan, with work bounded by plan size: simulating a 2,000-task plan
 * 20 times on the workflow runtime takes half a minute, too slow for `br build status`. Instead each
 * complexity level present is simulated as a one-task build (the same model: routing, retries,
 * escalation, git time) a fixed number of times, and each of RUNS draws gives every task a time and
 * cost from its level's samples and schedules the plan on `parallel` slots in dependency order.
 * Cost: levels × SAMPLES small simulations (kept: forecast-samples.ts) plus RUNS × tasks × parallel
 * arithmetic.
 */
import Decimal from 'decimal.js';
import type { Complexity } from '../lib/plan';
import { seededRandom } from '../workflows/simulation/random';

/** One-task simulations per complexity level. */
export const SAMPLES_PER_LEVEL = 30;

export interface LargeTask {
  id: string;
  dependsOn: string[];
  level: Complexity;
}

export interface LargeEstimate {
  /** Sorted ascending. */
  makespansMs: number[];
  /** Sorted ascending, each at most the budget left. */
  costsUsd: Decimal[];
}

type SampleLevel = (level: Complexity) => Promise<{ makespansMs: number[]; costsUsd: number[] }>;

/** Plan order with each task after the tasks it waits for (dependencies outside the list dropped). */
export function dependencyOrder(tasks: readonly LargeTask[]): LargeTask[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const done = new Set<string>();
  const order: LargeTask[] = [];
  const visit = (t: LargeTask, path: Set<string>) => {
    if (done.has(t.id) || path.has(t.id)) return; // a cycle cannot reach a running build; never loop
    path.add(t.id);
    for (const d of t.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep, path);
    }
    path.delete(t.id);
    done.add(t.id);
    order.push(t);
  };
  for (const t of tasks) visit(t, new Set());
  return order;
}

/**
 * The slots' free times as a binary min-heap (the root frees first): the task takes the slot that frees
 * first, which then frees at `free`. log(parallel) steps instead of a scan of every slot per task.
 */
function replaceEarliest(heap: Float64Array, free: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= heap.length) break;
    const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l;
    if (heap[c]! >= free) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = free;
}

export async function estimateLarge(
  tasks: readonly LargeTask[],
  shape: { parallel: number },
  leftUsd: string,
  runs: number,
  seed: number,
  sampleLevel: SampleLevel,
): Promise<LargeEstimate> {
  const levels = [...new Set(tasks.map((t) => t.level))];
  const samples = new Map<Complexity, { ms: number[]; usd: number[] }>();
  for (const level of levels) {
    const s = await sampleLevel(level);
    samples.set(level, { ms: s.makespansMs, usd: s.costsUsd });
  }
  const order = dependencyOrder(tasks);
  const index = new Map(order.map((t, i) => [t.id, i]));
  const deps = order.map((t) => t.dependsOn.map((d) => index.get(d)).filter((i) => i !== undefined));
  const random = seededRandom(seed * 7_919 + 17);
  const slotsOf = Math.max(1, shape.parallel);
  const left = Number(leftUsd);
  const makespansMs: number[] = [];
  const costsUsd: Decimal[] = [];
  const finish = new Float64Array(order.length);
  for (let r = 0; r < runs; r++) {
    const slots = new Float64Array(slotsOf);
    let usd = 0;
    let end = 0;
    for (let i = 0; i < order.length; i++) {
      const s = samples.get(order[i]!.level)!;
      const k = Math.floor(random() * s.ms.length);
      let ready = 0;
      for (const d of deps[i]!) ready = Math.max(ready, finish[d]!);
      const start = Math.max(ready, slots[0]!);
      finish[i] = start + s.ms[k]!;
      replaceEarliest(slots, finish[i]!);
      end = Math.max(end, finish[i]!);
      usd += s.usd[k]!;
    }
    makespansMs.push(Math.round(end));
    costsUsd.push(Decimal.min(new Decimal(usd.toFixed(6)), new Decimal(Math.max(0, left))));
  }
  makespansMs.sort((a, b) => a - b);
  costsUsd.sort((a, b) => a.cmp(b));
  return { makespansMs, costsUsd };
}
