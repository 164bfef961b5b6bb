import os from 'node:os';
import { estimateTasks } from '../lib/estimate/heuristic';
import { validatePlan } from '../lib/plan';
import { planFromMarkdown } from '../lib/planner/heuristic';
import { parseSpec } from '../lib/planner/markdown';
import { attachRequirements, parseRequirements } from '../lib/requirements';
import type { BenchModule } from './types';

/**
 * Issue 34 item 1: the offline planner in time linear in the spec. Plans generated specs of 1k, 10k
 * and 100k items the way `br plan --heuristic-plan` does (plan, requirements, validation, estimates;
 * no file I/O) and prints the growth from one size to the next: about 10× per 10× items is linear,
 * about 100× quadratic. The baseline in the same run is the markdown parse alone, a single pass over
 * the lines, so the planner's cost is also shown as a multiple of reading the spec once.
 */

const WORDS = ['parse', 'render', 'store', 'validate', 'route', 'cache', 'index', 'export', 'sync', 'audit'];

/** `## Tasks` with n checklist items of 180 characters, as issue 34 measured. */
export function checklistSpec(n: number): string {
  const lines = ['# Shop', '', '## Tasks', ''];
  for (let i = 0; i < n; i++) {
    let t = `- [ ] Item ${i}: ${WORDS[i % 10]} the ${WORDS[(i * 7) % 10]} records for region ${i} and `;
    while (t.length < 180) t += `${WORDS[(i + t.length) % 10]} `;
    lines.push(t.slice(0, 180));
  }
  return lines.join('\n');
}

/** n/2 features, each with two items, acceptance criteria, a "Depends on" line and a success criterion naming it. */
export function featureSpec(n: number): string {
  const features = Math.max(1, Math.floor(n / 2));
  const lines = ['# Shop', ''];
  for (let i = 1; i <= features; i++) {
    lines.push(
      `## Feature ${i}: Widget number ${i} handling`,
      '',
      `Handles widget ${i} in \`src/w${i}.ts\`.`,
      '',
    );
    if (i > 1) lines.push(`Depends on: Feature ${i - 1}`, '');
    lines.push(`- [ ] Store widget ${i}`, `- [ ] Render widget ${i}`, '', 'Acceptance criteria:');
    lines.push(`- widget ${i} saves in 50 ms`, '');
  }
  lines.push('## Success criteria', '');
  for (let i = 1; i <= features; i++) lines.push(`- Widget number ${i} handling works offline`);
  return lines.join('\n');
}

function planOffline(spec: string): number {
  const plan = attachRequirements(planFromMarkdown(spec, 'shop'), parseRequirements(spec));
  if (validatePlan(plan).length) throw new Error('the generated spec did not plan');
  estimateTasks(plan.tasks);
  return plan.tasks.length;
}

function median(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const SIZES = [1_000, 10_000, 100_000];

const bench: BenchModule = {
  name: 'planner-scale',
  async run() {
    const rows: string[] = [];
    const load = os.loadavg()[0]!.toFixed(1);
    for (const [shape, make] of [
      ['checklist', checklistSpec],
      ['features', featureSpec],
    ] as const) {
      let previous: number | null = null;
      for (const items of SIZES) {
        const spec = make(items);
        const runs = items >= 100_000 ? 1 : 3;
        let tasks = 0;
        const parse = median(() => parseSpec(spec), runs);
        const plan = median(() => (tasks = planOffline(spec)), runs);
        const growth = previous === null ? '—' : `${(plan / previous).toFixed(1)}×`;
        previous = plan;
        rows.push(
          `| ${shape} | ${items.toLocaleString('en')} | ${(spec.length / 1e6).toFixed(1)} MB | ${tasks.toLocaleString('en')} | ` +
            `${parse.toFixed(0)} ms | ${plan.toFixed(0)} ms | ${(plan / parse).toFixed(1)}× | ${growth} |`,
        );
        process.stderr.write(`  ${shape} ${items}: ${plan.toFixed(0)} ms\n`);
      }
    }
    return {
      title: 'Offline planner scale (issue 34 item 1: linear in the spec, 10,000 items under 2 s)',
      command: 'npm run bench -- planner-scale',
      markdown: [
        `Load average when it started: ${load} on ${os.cpus().length} cores (other work shares the machine).`,
        'Median of 3 runs (1 run at 100k items), in one process. "Plan" is what `br plan --heuristic-plan`',
        'computes (plan, requirements, validation, estimates) without reading the file; "parse" is the',
        'baseline, one markdown pass over the same spec. Growth is the plan time over that of the size',
        'before it: about 10× per 10× items is linear. The 100k-item specs are over the default',
        '`planner.maxSpecBytes` (2 MiB): the commands refuse them; the library plans them here to show growth.',
        '',
        '| spec | items | size | tasks | parse (baseline) | plan | plan ÷ parse | growth |',
        '|---|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    };
  },
};

export default bench;
