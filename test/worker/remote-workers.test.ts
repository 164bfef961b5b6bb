/**
 * Builds across machines, on one machine: three `br worker` processes, each on a test host of its own
 * (its own network namespace, folder, HOME and cache dir; test/helpers/netns.ts), share nothing but
 * Temporal, PostgreSQL (or the embedded database server) and a git remote served by `git daemon`, all
 * reached over the test network. The build is started from a checkout whose origin is that remote:
 * every task is merged on the remote's build branch and the checkout is left as it was.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { freePort } from '../../services/free-port';
import type { BuildResult } from '../../workflows/core/types';
import { runBr } from '../helpers/cli';
import { postgresUrl } from '../helpers/db';
import { makeHosts, type TestNetwork } from '../helpers/netns';
import { connectClient, describeServer, serverAddress } from '../helpers/temporal';
import {
  setupRealBuild,
  spawnWorker,
  workerReady,
  type RealBuild,
  type WorkerProcess,
} from '../fixtures/temporal/real-build';

const GIT_DAEMON = '/usr/lib/git-core/git-daemon';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
}

function portOf(url: string): number {
  const u = new URL(url.includes('://') ? url : `tcp://${url}`);
  return Number(u.port);
}

/** The checkout as the user would see it: refs, worktrees, status. */
function snapshot(repo: string): string {
  return [
    git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    git(repo, 'worktree', 'list', '--porcelain'),
    git(repo, 'status', '--porcelain'),
  ].join('\n---\n');
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

type Event = temporal.api.history.v1.IHistoryEvent;
const ms = (t: Event['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** Every mergeTask of a build's tasks: who ran it, when, and how often it lost the race on the remote. */
async function mergeRuns(client: Client, buildId: string) {
  const parent = (await client.workflow.getHandle(buildId).fetchHistory()).events ?? [];
  const runs: { identity: string; start: number; end: number; outcome: string; lostRaces: number }[] = [];
  const converter = client.options.loadedDataConverter.payloadConverter;
  for (const e of parent) {
    const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (!child) continue;
    const events = (await client.workflow.getHandle(child).fetchHistory()).events ?? [];
    const merges = new Set<number>();
    const started = new Map<number, { at: number; identity: string }>();
    for (const ev of events) {
      if (ev.activityTaskScheduledEventAttributes?.activityType?.name === 'mergeTask')
        merges.add(Number(ev.eventId));
      const st = ev.activityTaskStartedEventAttributes;
      if (st && merges.has(Number(st.scheduledEventId)))
        started.set(Number(st.scheduledEventId), { at: ms(ev.eventTime), identity: st.identity ?? '' });
      const done = ev.activityTaskCompletedEventAttributes;
      if (done && merges.has(Number(done.scheduledEventId))) {
        const s = started.get(Number(done.scheduledEventId))!;
        const payload = done.result?.payloads?.[0];
        const value = payload ? converter.fromPayload<{ lostRaces?: number }>(payload) : {};
        runs.push({
          ...s,
          start: s.at,
          end: ms(ev.eventTime),
          outcome: 'completed',
          lostRaces: value.lostRaces ?? 0,
        });
      }
    }
  }
  return runs;
}

describeServer('workers that share nothing but Temporal, the database and a git remote', () => {
  let build: RealBuild;
  let net: TestNetwork;
  let daemon: ChildProcess | undefined;
  let remoteDir: string;
  let cacheDirs: string[] = [];
  const workers: WorkerProcess[] = [];
  let hostEnv: Record<string, string>[] = [];
  let hostDirs: string[] = [];

  beforeAll(async () => {
    build = await setupRealBuild({
      database: postgresUrl ? 'postgres' : 'embedded',
      turnDelayMs: 1000,
    });
    net = await makeHosts(3);
    if (net.fallbackReason) console.warn(`remote-workers: ${net.fallbackReason}`);
    else console.log(`remote-workers: three network namespaces on ${net.serviceIp}/24`);

    // The remote: a bare repository served by git daemon on the test network.
    const served = mkdtempSync(path.join(tmpdir(), 'br-gitd-'));
    remoteDir = path.join(served, 'todo.git');
    git(served, 'init', '-q', '--bare', '-b', 'main', remoteDir);
    const gitPort = await freePort();
    daemon = spawn(
      GIT_DAEMON,
      [
        '--reuseaddr',
        '--export-all',
        '--enable=receive-pack',
        '--informative-errors',
        `--base-path=${served}`,
        `--listen=${net.serviceIp}`,
        `--port=${gitPort}`,
        served,
      ],
      { stdio: 'ignore' },
    );
    const url = `git://${net.serviceIp}:${gitPort}/todo.git`;
    git(build.repo, 'remote', 'add', 'origin', url);
    await until(
      'git daemon',
      async () => {
        try {
          git(build.repo, 'ls-remote', 'origin');
          return true;
        } catch {
          return undefined;
        }
      },
      20_000,
    );
    git(build.repo, 'push', '-q', 'origin', 'main');

    // Every service a worker needs, forwarded onto the test network.
    const temporal = await net.forward(portOf(serverAddress()));
    const anthropic = await net.forward(portOf(build.anthropic.url));
    const db = new URL(build.databaseUrl);
    db.host = `${net.serviceIp}:${await net.forward(Number(db.port || 5432))}`;
    const anthropicUrl = new URL(build.anthropic.url);
    anthropicUrl.host = `${net.serviceIp}:${anthropic}`;

    hostDirs = net.hosts.map((_, i) => mkdtempSync(path.join(tmpdir(), `br-host${i}-`)));
    cacheDirs = hostDirs.map((d) => path.join(d, 'cache'));
    hostEnv = hostDirs.map((dir) => {
      mkdirSync(path.join(dir, 'home'));
      writeFileSync(path.join(dir, 'gitconfig'), '');
      copyFileSync(
        path.join(build.repo, 'buildrunner.config.json'),
        path.join(dir, 'buildrunner.config.json'),
      );
      return {
        TEMPORAL_ADDRESS: `${net.serviceIp}:${temporal}`,
        DATABASE_URL: db.toString(),
        ANTHROPIC_BASE_URL: anthropicUrl.toString().replace(/\/$/, ''),
        HOME: path.join(dir, 'home'),
        GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig'),
        GIT_CONFIG_NOSYSTEM: '1',
      };
    });
  }, 180_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    daemon?.kill('SIGTERM');
    await net?.close();
    await build?.close();
    for (const dir of [...hostDirs, path.dirname(remoteDir ?? '/nonexistent/x')])
      if (dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
  });

  function startWorker(i: number): WorkerProcess {
    const w = spawnWorker(
      build,
      ['--cache-dir', cacheDirs[i]!, '--max-tasks', '4'],
      {},
      {
        prefix: net.hosts[i]!.prefix,
        cwd: hostDirs[i]!,
        env: hostEnv[i]!,
      },
    );
    workers.push(w);
    return w;
  }

  async function startBuild(): Promise<string> {
    const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
    const started = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--parallel', '3', '--budget', '5'], {
      cwd: build.repo,
      env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
    });
    expect([started.code, started.stderr]).toEqual([0, expect.any(String)]);
    expect(started.stdout).toMatch(/repository git:\/\/\S+\/todo\.git/);
    return /Started build (\S+)/.exec(started.stdout)![1]!;
  }

  function remote(...args: string[]): string {
    return git(remoteDir, ...args);
  }

  it('runs a build on three isolated workers: every task merged on the remote, the checkout untouched', async () => {
    const pool = [startWorker(0), startWorker(1), startWorker(2)];
    await Promise.all(pool.map((w) => workerReady(w)));
    for (const w of pool) expect(w.output()).toMatch(/as \d+@\S+ buildrunner\/\d+\.\d+\.\d+/);
    const before = snapshot(build.repo);
    const buildId = await startBuild();
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
      const merges = await mergeRuns(client, buildId);
      expect(merges.filter((m) => m.outcome === 'completed')).toHaveLength(5);
      const overlapping = merges.filter((a) =>
        merges.some((b) => a !== b && a.identity !== b.identity && a.start < b.end && b.start < a.end),
      );
      console.log(
        `remote-workers: ${overlapping.length} of ${merges.length} merges ran at the same time as one on another worker; ` +
          `${merges.reduce((n, m) => n + m.lostRaces, 0)} lost race(s) re-merged; identities ${[...new Set(merges.map((m) => m.identity))].join(', ')}`,
      );
    } finally {
      await close();
    }
    const branch = `br/${buildId}`;
    const merges = remote('log', '--merges', '--format=%s', branch).split('\n').filter(Boolean);
    expect(merges.filter((m) => m.startsWith('Merge task'))).toHaveLength(5);
    expect(remote('ls-tree', '--name-only', `${branch}:notes`).split('\n')).toHaveLength(5);
    expect(remote('for-each-ref', 'refs/heads/br/tasks', 'refs/br-handoff')).toBe('');
    // The checkout has not moved: the result is on the remote until the user fetches it.
    expect(snapshot(build.repo)).toBe(before);
    expect(() => git(build.repo, 'rev-parse', '--verify', '--quiet', branch)).toThrow();
    // The report comes from the database; its gap analysis read the build branch from a worker's cache clone.
    const db = await build.db();
    const row = await db.prisma.build.findUnique({ where: { id: buildId } });
    const gaps = (row?.summary as { gaps?: { headline?: string } } | null)?.gaps;
    expect(gaps?.headline).toMatch(/^Gaps/);
    expect(gaps?.headline).not.toMatch(/not analysed/);
    // Each worker worked in its own cache clone, and more than one of them did.
    const used = cacheDirs.filter(
      (d) => existsSync(path.join(d, 'repos')) && readdirSync(path.join(d, 'repos')).length,
    );
    expect(used.length).toBeGreaterThanOrEqual(2);
  }, 420_000);

  it('finishes the build on the other two when one of three workers is killed mid-task', async () => {
    // A new build: the spec changes on the remote (and in the checkout, which pushes it).
    writeFileSync(
      path.join(build.repo, 'PROJECT_SPEC.md'),
      `${git(build.repo, 'show', 'HEAD:PROJECT_SPEC.md')}\n\nSecond run.\n`,
    );
    git(build.repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'second run');
    git(build.repo, 'push', '-q', 'origin', 'main');
    const pool = workers.filter((w) => w.child.exitCode === null);
    expect(pool).toHaveLength(3);
    const buildId = await startBuild();
    const { client, close } = await connectClient();
    try {
      const handle = client.workflow.getHandle(buildId);
      // The worker running an agent right now (a started, still pending runAgent) is the one killed.
      const victim = await until(
        'a worker inside the agent loop',
        async () => {
          const events = (await handle.fetchHistory()).events ?? [];
          const children = events
            .map((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId)
            .filter((id): id is string => Boolean(id));
          for (const id of children) {
            const d = await client.workflow.getHandle(id).describe();
            for (const a of d.raw.pendingActivities ?? []) {
              const pid = Number((a.lastWorkerIdentity ?? '').split('@')[0]);
              const started =
                a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
              if (a.activityType?.name === 'runAgent' && started && pid)
                return pool.find((w) => w.child.pid === pid);
            }
          }
          return undefined;
        },
        180_000,
      );
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      const result = (await handle.result()) as BuildResult;
      expect(result.outcome).toBe('SUCCEEDED');
    } finally {
      await close();
    }
    const branch = `br/${buildId}`;
    expect(
      remote('log', '--merges', '--format=%s', branch)
        .split('\n')
        .filter((m) => m.startsWith('Merge task')),
    ).toHaveLength(5);
    // The killed attempt's branch was cleaned up by the worker that took the task over.
    expect(remote('for-each-ref', 'refs/heads/br/tasks', 'refs/br-handoff')).toBe('');
  }, 420_000);
});
