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

/** A Spec Kit tasks.md: n tasks, 100 per phase, two in three [P], a Dependencies line every 7 tasks. */
function tasksMd(n: number): string {
  const id = (i: number) => `T${String(i).padStart(5, '0')}`;
  const lines = ['# Tasks: Shop', ''];
  for (let i = 1; i <= n; i++) {
    if ((i - 1) % 100 === 0) lines.push(`## Phase ${Math.ceil(i / 100)}: Part ${i}`, '');
    lines.push(`- [ ] ${id(i)} ${i % 3 ? '[P] ' : ''}Build part ${i} in src/part-${i}.ts`);
  }
  lines.push('', '## Dependencies', '');
  for (let i = 10; i <= n; i += 7) lines.push(`- ${id(i - 5)} blocks ${id(i)}`);
  return lines.join('\n');
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
    const speckitRows: string[] = [];
    for (const n of [5_000, 20_000]) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'br-bench-import-'));
      try {
        execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
        writeFileSync(path.join(dir, 'tasks.md'), tasksMd(n));
        const ctx = createContext({ cwd: dir, env: { ...process.env, DATABASE_URL: undefined } });
        let planned = 0;
        const first = timed(() => {
          planned = importTasks(ctx, { format: 'speckit', sourcePath: 'tasks.md', apply: true }).planned;
        });
        const size = readFileSync(path.join(dir, 'tasks.md')).length;
        speckitRows.push(
          `| ${n.toLocaleString('en')} | ${(size / 1e6).toFixed(1)} MB | ${planned.toLocaleString('en')} | ${first.toFixed(0)} ms |`,
        );
        process.stderr.write(`  speckit ${n} tasks: ${first.toFixed(0)} ms\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return {
      title: 'Task Master import (issue 30 item 1: 5,000 tasks in under 5 s) and Spec Kit at 20,000 tasks',
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
        '',
        'Spec Kit `br import speckit tasks.md --apply`, 100 tasks per phase, two in three `[P]`, a',
        'Dependencies line every 7 tasks:',
        '',
        '| tasks | file | planned tasks | import --apply |',
        '|---|---|---|---|',
        ...speckitRows,
      ].join('\n'),
    };
  },
};

export default bench;
