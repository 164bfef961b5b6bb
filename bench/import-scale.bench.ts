import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../services/context';
import { importTasks } from '../services/importer';
import type { BenchModule } from './types';

/**
 * Issue 30 item 1: a Task Master tasks.json of 5,000 tasks imported (read, checked, planned, plan
 * file, features.json and ledger written) in under 5 s. Baseline in the same run: JSON.parse of the
 * same file. Also the re-run (a no-op through the ledger) and 1,000 tasks for the growth.
 */

function tasksJson(n: number): string {
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    title: `Task ${i + 1}: build part ${i + 1} of the shop`,
    description: `Implements part ${i + 1}, reading what parts ${Math.max(1, i - 2)}–${i} wrote.`,
    status: i % 10 === 0 ? 'done' : 'pending',
    dependencies: [i - 2, i - 1, i].filter((d) => d >= 1),
    priority: ['high', 'medium', 'low'][i % 3],
    details: `Add src/part-${i + 1}.ts with its tests.\nKeep the public API small.`,
    testStrategy: `Unit tests for part ${i + 1}`,
    ...(i % 5 === 0
      ? {
          subtasks: [
            { id: 1, title: 'Model', description: '', status: 'pending', dependencies: [], details: '' },
            { id: 2, title: 'Route', description: '', status: 'pending', dependencies: [1], details: '' },
          ],
        }
      : {}),
  }));
  return JSON.stringify({ master: { tasks, metadata: { created: '2026-12-07' } } }, null, 2);
}

function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

const bench: BenchModule = {
  name: 'import-scale',
  async run() {
    const rows: string[] = [];
    for (const n of [1_000, 5_000]) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'br-bench-import-'));
      try {
        execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
        writeFileSync(path.join(dir, 'tasks.json'), tasksJson(n));
        const ctx = createContext({ cwd: dir, env: { ...process.env, DATABASE_URL: undefined } });
        const parse = timed(() => void JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8')));
        let planned = 0;
        const first = timed(() => {
          planned = importTasks(ctx, { format: 'taskmaster', sourcePath: 'tasks.json', apply: true }).planned;
        });
        let noop = false;
        const again = timed(() => {
          noop = importTasks(ctx, { format: 'taskmaster', sourcePath: 'tasks.json', apply: true }).noop;
        });
        if (!noop) throw new Error('the re-run was not a no-op');
        const size = readFileSync(path.join(dir, 'tasks.json')).length;
        rows.push(
          `| ${n.toLocaleString('en')} | ${(size / 1e6).toFixed(1)} MB | ${planned.toLocaleString('en')} | ${parse.toFixed(0)} ms | ` +
            `${first.toFixed(0)} ms | ${(first / parse).toFixed(0)}× | ${again.toFixed(0)} ms |`,
        );
        process.stderr.write(`  ${n} tasks: ${first.toFixed(0)} ms\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return {
      title: 'Task Master import (issue 30 item 1: 5,000 tasks in under 5 s)',
      command: 'npm run bench -- import-scale',
      markdown: [
        'One run each, `br import taskmaster tasks.json --apply` through the service (file read, checks,',
        'plan, plan file, features.json and ledger written); the re-run is the same command again, a no-op',
        'through the ledger. Baseline: `JSON.parse` of the same file. One task in ten is done (not planned),',
        'one in five has two subtasks, each depends on up to three tasks before it.',
        '',
        '| top-level tasks | file | planned tasks | JSON.parse (baseline) | import --apply | ÷ baseline | re-run (no-op) |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    };
  },
};

export default bench;
