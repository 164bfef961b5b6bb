import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emitEvents, recordAttempt, recordBuild, recordTask } from '../../activities/persistence/records';
import type { Database } from '../../lib/db/connection';
import { runBr } from '../helpers/cli';
import { createSimBuildBackend, type SimBuildBackend } from '../helpers/sim-builds';

/**
 * Three repositories in one database: `shop` (its latest build failed), `blog` (a build running now,
 * one task titled as an XSS probe) and `todo-api` (a build run to the end on the simulation runtime and
 * recorded by the real persistence activities, so `br build status` can answer for it).
 */

export const NOW = new Date('2026-12-07T12:00:00Z');
export const XSS_TITLE = '<img src=x onerror=alert(1)>';
const MIN = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

interface CostRow {
  key: string;
  buildId: string;
  taskKey: string;
  usd: string;
  at: Date;
  model?: string;
}

async function costs(db: Database, rows: CostRow[]): Promise<void> {
  await db.prisma.costEntry.createMany({
    data: rows.map((r) => ({
      idempotencyKey: r.key,
      buildId: r.buildId,
      taskKey: r.taskKey,
      attempt: 1,
      purpose: 'agent',
      requestedModel: r.model ?? 'claude-haiku-4-5',
      model: r.model ?? 'claude-haiku-4-5',
      priceTableVersion: 'test',
      inputTokens: 1000,
      outputTokens: 200,
      usd: r.usd,
      createdAt: r.at,
    })),
  });
}

const build = (id: string, project: string, status: string, started: number, extra: object = {}) => ({
  id,
  project,
  specPath: 'PROJECT_SPEC.md',
  specHash: 'abc',
  repoPath: `/srv/repos/${project}`,
  baseBranch: 'main',
  buildBranch: `br/${id}`,
  status,
  budgetUsd: '10',
  parallel: 2,
  startedAt: at(started),
  ...extra,
});

const task = (buildId: string, key: string, status: string, extra: object = {}) => ({
  id: `${buildId}/${key}`,
  buildId,
  taskKey: key,
  title: `Task ${key}`,
  status,
  attempts: 1,
  dependsOn: [] as string[],
  files: [] as string[],
  ...extra,
});

export async function seedShopAndBlog(db: Database): Promise<void> {
  await db.prisma.build.createMany({
    data: [
      build('build-shop-old', 'shop', 'SUCCEEDED', -3 * 1440 * MIN, {
        costUsd: '1.5',
        taskCount: 2,
        finishedAt: at(-3 * 1440 * MIN + 60 * MIN),
      }),
      build('build-shop-new', 'shop', 'FAILED', -120 * MIN, {
        budgetUsd: '5',
        costUsd: '0.3333333333',
        taskCount: 1,
        finishedAt: at(-60 * MIN),
      }),
      build('build-blog-live', 'blog', 'RUNNING', -30 * MIN, { costUsd: '0.5', taskCount: 4 }),
    ],
  });
  const old = -3 * 1440 * MIN;
  await db.prisma.task.createMany({
    data: [
      task('build-shop-old', 's1', 'SUCCEEDED', {
        costUsd: '0.7512345678',
        startedAt: at(old),
        finishedAt: at(old + 10 * MIN),
      }),
      task('build-shop-old', 's2', 'SUCCEEDED', {
        costUsd: '0.7487654322',
        dependsOn: ['s1'],
        startedAt: at(old + 10 * MIN),
        finishedAt: at(old + 30 * MIN),
      }),
      task('build-shop-new', 'n1', 'FAILED', {
        attempts: 2,
        costUsd: '0.3333333333',
        error: 'verification failed twice',
        startedAt: at(-110 * MIN),
        finishedAt: at(-60 * MIN),
      }),
      task('build-blog-live', 'b1', 'SUCCEEDED', {
        costUsd: '0.25',
        startedAt: at(-30 * MIN),
        finishedAt: at(-25 * MIN),
      }),
      task('build-blog-live', 'b2', 'RUNNING', {
        title: XSS_TITLE,
        dependsOn: ['b1'],
        startedAt: at(-25 * MIN),
      }),
      task('build-blog-live', 'b3', 'PENDING', { attempts: 0, dependsOn: ['b1', 'b2'] }),
      task('build-blog-live', 'b4', 'SUCCEEDED', {
        costUsd: '0.25',
        startedAt: at(-30 * MIN),
        finishedAt: at(-15 * MIN),
      }),
    ],
  });
  await db.prisma.taskAttempt.createMany({
    data: [
      {
        buildId: 'build-shop-new',
        taskKey: 'n1',
        attempt: 1,
        model: 'claude-haiku-4-5',
        outcome: 'FAILED',
        failureClass: 'VERIFICATION_FAILED',
        costUsd: '0.1111111111',
        startedAt: at(-110 * MIN),
        finishedAt: at(-90 * MIN),
      },
      {
        buildId: 'build-shop-new',
        taskKey: 'n1',
        attempt: 2,
        model: 'claude-sonnet-4-5',
        outcome: 'FAILED',
        failureClass: 'VERIFICATION_FAILED',
        costUsd: '0.2222222222',
        startedAt: at(-90 * MIN),
        finishedAt: at(-60 * MIN),
      },
    ],
  });
  await costs(db, [
    {
      key: 'shop-old-1',
      buildId: 'build-shop-old',
      taskKey: 's1',
      usd: '0.7512345678',
      at: at(old + 5 * MIN),
    },
    {
      key: 'shop-old-2',
      buildId: 'build-shop-old',
      taskKey: 's2',
      usd: '0.7487654322',
      at: at(old + 20 * MIN),
    },
    { key: 'shop-new-1', buildId: 'build-shop-new', taskKey: 'n1', usd: '0.1111111111', at: at(-95 * MIN) },
    {
      key: 'shop-new-2',
      buildId: 'build-shop-new',
      taskKey: 'n1',
      usd: '0.2222222222',
      at: at(-65 * MIN),
      model: 'claude-sonnet-4-5',
    },
    { key: 'blog-1', buildId: 'build-blog-live', taskKey: 'b1', usd: '0.25', at: at(-26 * MIN) },
    { key: 'blog-2', buildId: 'build-blog-live', taskKey: 'b4', usd: '0.25', at: at(-16 * MIN) },
  ]);
  await db.prisma.telemetryEvent.createMany({
    data: [
      { type: 'task.started', buildId: 'build-blog-live', taskKey: 'b1', occurredAt: at(-30 * MIN) },
      { type: 'task.succeeded', buildId: 'build-blog-live', taskKey: 'b1', occurredAt: at(-25 * MIN) },
      { type: 'task.started', buildId: 'build-blog-live', taskKey: 'b2', occurredAt: at(-25 * MIN) },
    ],
  });
}

/** A cost row arriving now, for the live-update checks. */
export async function addBlogCost(db: Database, key: string, usd: string): Promise<void> {
  await costs(db, [{ key, buildId: 'build-blog-live', taskKey: 'b2', usd, at: at(-1 * MIN) }]);
}

export function todoRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'br-dashboard-'));
  cpSync(path.join(__dirname, '../../examples/todo-api'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'buildrunner.config.json'), JSON.stringify({ project: 'todo-api' }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'example');
  return dir;
}

export interface SimulatedRepo {
  repo: string;
  builds: SimBuildBackend;
  buildId: string;
}

/** Runs a todo-api build to its end on the simulation runtime and records it as a worker would. */
export async function recordTodoBuild(db: Database): Promise<SimulatedRepo> {
  const repo = todoRepo();
  const builds = createSimBuildBackend({ stepMs: 300_000 });
  const br = (...argv: string[]) =>
    runBr(argv, { cwd: repo, services: { builds, database: db }, env: { DATABASE_URL: undefined } });
  const started = await br('build', 'start', 'PROJECT_SPEC.md', '--budget', '5', '--json');
  if (started.code !== 0) throw new Error(started.stderr);
  const { buildId } = JSON.parse(started.stdout) as { buildId: string };
  for (let i = 0; i < 200; i++) {
    const { status } = JSON.parse((await br('build', 'status', buildId, '--json')).stdout) as {
      status: string;
    };
    if (['SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED', 'BUDGET_EXHAUSTED'].includes(status)) break;
  }
  const store = builds.builds.get(buildId)!.last!.store;
  const last = store.builds.at(-1)!;
  // Recorded under a neutral path, as a worker elsewhere would: screenshots show no temporary folder.
  await recordBuild(db, { ...last, repoPath: '/srv/repos/todo-api' });
  for (const t of store.tasks.values()) await recordTask(db, t);
  for (const a of store.attempts) await recordAttempt(db, a);
  await emitEvents(db, [...store.events.values()]);
  await db.prisma.costEntry.createMany({
    data: store.attempts.map((a) => ({
      idempotencyKey: `${a.buildId}/${a.taskId}/${a.attempt}`,
      buildId: a.buildId,
      taskKey: a.taskId,
      attempt: a.attempt,
      purpose: 'agent',
      requestedModel: a.model,
      model: a.model,
      priceTableVersion: 'test',
      inputTokens: 1000,
      outputTokens: 200,
      usd: a.costUsd,
      createdAt: new Date(a.finishedAt),
    })),
  });
  return { repo, builds, buildId };
}
