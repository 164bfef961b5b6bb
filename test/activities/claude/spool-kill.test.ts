/**
 * A worker SIGKILLed while the database is away loses no request (issue 27). The worker is its own OS
 * process running the real agent activity (three tasks at once) against a PostgreSQL cluster of this
 * test's own (initdb + pg_ctl, own folder and port; never the shared cluster), stopped before the first
 * request, and the scripted Anthropic server. Once requests are in flight it is killed; the cluster comes
 * back; two workers start again on the same machine at once (the start-up drain of `br worker`, in two
 * processes). Then the rows on record, settled and unsettled, are exactly the requests the scripted
 * server received, each file was replayed by one of the two, and the lost try's read-back (attemptCost)
 * counts them all. The whole `br worker` on Temporal is left out: the spool is below the activity, and a
 * Temporal build would add a minute without adding a path the rows take.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { costSpoolDir } from '../../../activities/claude/attempt/spool';
import { openDatabase } from '../../../activities/db/connection';
import { migrate } from '../../../activities/db/migrate';
import { createPersistenceActivities } from '../../../activities/persistence';
import type { Database } from '../../../lib/db/connection';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { makeTestKey, tempDir } from '../../fixtures/claude';
import type { SpoolWorkerInput } from '../../fixtures/spool/agent-worker';
import {
  startThrowawayPostgres,
  throwawayPostgresAvailable,
  type ThrowawayPostgres,
} from '../../helpers/throwaway-postgres';

const TASKS = ['alpha', 'beta', 'gamma'];
const BUILD = 'b-spool-kill';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

function tsx(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; out: () => string } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      path.join(__dirname, '../../fixtures/spool', script),
      ...args,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return { child, out: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));

async function until(what: string, fn: () => boolean, ms: number, out: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${out()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const withCluster = throwawayPostgresAvailable() ? it : it.skip;

describe('a worker killed while the database is away', () => {
  let pg: ThrowawayPostgres | undefined;
  let server: FakeAnthropic | undefined;
  let db: Database | undefined;
  let tmp: { dir: string; cleanup: () => void };
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await db?.close().catch(() => undefined);
    await server?.close();
    pg?.destroy();
    tmp?.cleanup();
  });

  withCluster(
    'leaves every request it sent on record once the database is back and a worker starts again',
    async () => {
      tmp = tempDir('br-spool-kill-');
      const cacheDir = path.join(tmp.dir, 'cache');
      const tasks = TASKS.map((taskId) => {
        const worktree = path.join(tmp.dir, taskId);
        execFileSync('mkdir', ['-p', worktree]);
        git(worktree, 'init', '-q', '-b', 'main');
        writeFileSync(path.join(worktree, 'README.md'), '# Demo\n');
        git(worktree, 'add', '.');
        git(worktree, 'commit', '-q', '-m', 'base');
        return { taskId, worktree, base: git(worktree, 'rev-parse', 'HEAD') };
      });
      pg = await startThrowawayPostgres();
      const setup = await openDatabase({ kind: 'postgres', url: pg.url });
      await migrate(setup);
      await setup.close();
      pg.stop();

      // Each answer takes 600 ms and asks for another turn: the tasks keep requests in flight.
      server = await startFakeAnthropic();
      let answered = 0;
      for (let i = 0; i < 200; i++)
        server.enqueue({
          kind: 'dynamic',
          respond: async () => {
            await new Promise((r) => setTimeout(r, 600));
            answered += 1;
            return toolUse('read_file', { path: 'README.md' });
          },
        });
      const key = makeTestKey();
      const input: SpoolWorkerInput = {
        dbUrl: pg.url,
        anthropicUrl: server.url,
        cacheDir,
        buildId: BUILD,
        tasks,
      };
      const worker = tsx('agent-worker.ts', [], {
        ...process.env,
        ANTHROPIC_API_KEY: key,
        BR_SPOOL_WORKER: JSON.stringify(input),
      });
      children.push(worker.child);
      const requests = () => server!.requests.length;
      await until('requests in flight', () => requests() >= 9 && requests() > answered, 40_000, worker.out);
      worker.child.kill('SIGKILL');
      expect(await exited(worker.child)).toBe('SIGKILL');
      const received = requests();
      const inFlight = received - answered;
      expect(inFlight).toBeGreaterThan(0);

      // What the kill left: one spool file per task, private, without the key.
      const spoolDir = costSpoolDir(cacheDir);
      const files = readdirSync(spoolDir);
      expect(files).toHaveLength(TASKS.length);
      for (const f of files) {
        expect(statSync(path.join(spoolDir, f)).mode & 0o777).toBe(0o600);
        expect(readFileSync(path.join(spoolDir, f), 'utf8')).not.toContain(key);
      }

      pg.start();
      const restarted = [0, 1].map(() => tsx('restarted-worker.ts', [pg!.url, cacheDir], process.env));
      children.push(...restarted.map((r) => r.child));
      expect(await Promise.all(restarted.map((r) => exited(r.child)))).toEqual(['0', '0']);
      const drained = restarted.map((r) => /from (\d+) file/.exec(r.out())?.[1]).map((n) => Number(n ?? 0));
      console.log(
        `received ${received}, in flight at the kill ${inFlight}; files replayed by the two restarts: ${drained.join(' + ')}`,
      );
      expect(drained[0]! + drained[1]!).toBe(TASKS.length);
      expect(readdirSync(spoolDir)).toEqual([]);

      db = await openDatabase({ kind: 'postgres', url: pg.url });
      const rows = await db.prisma.costEntry.findMany({ where: { buildId: BUILD } });
      const unsettled = rows.filter((r) => !r.settled).length;
      expect(rows).toHaveLength(received);
      expect(unsettled).toBeGreaterThanOrEqual(inFlight);
      expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(received);

      // The lost tries read back: each task is charged for every request it sent.
      const records = createPersistenceActivities({ db, cacheDir });
      const costs = await Promise.all(
        TASKS.map((taskId) => records.attemptCost({ buildId: BUILD, taskId, attempt: 1 })),
      );
      expect(costs.reduce((n, c) => n + c.requests, 0)).toBe(received);
      expect(costs.reduce((n, c) => n + c.unsettled, 0)).toBe(unsettled);
      expect(costs.every((c) => c.requests > 0)).toBe(true);
    },
    90_000,
  );
});
