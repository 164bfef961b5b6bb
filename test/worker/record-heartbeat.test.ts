/**
 * The record steps' heartbeat (patched 'record-heartbeat', the worker's beat-only interceptor) run
 * against a database that is slow but alive: another transaction holds the event's unique key, so the
 * step's insert waits on its lock for longer than the step's heartbeat timeout. With the worker's
 * interceptor the step beats while it waits and runs once; a worker without it (the control) has the
 * same step timed out and run again while the first run still waits (issue 27).
 */
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { emitEvents } from '../../activities/persistence/records';
import type { TelemetryEventInput } from '../../lib/contracts';
import { BEATING, KEPT_ALIVE } from '../../worker/activities';
import { keepAliveInterceptor } from '../../worker/interceptors';
import { RECORD_HEARTBEAT } from '../../workflows/activity-profiles';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../helpers/db';
import { connectClient, describeServer, serverAddress, uniqueQueue } from '../helpers/temporal';

const HEARTBEAT_MS = Number.parseInt(RECORD_HEARTBEAT, 10) * 1000;
/** How long the database keeps the step waiting: past its heartbeat timeout. */
const STALL_MS = HEARTBEAT_MS + 6_000;

async function until(what: string, fn: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeServer('a record step on a slow but alive database', () => {
  const withPostgres = postgresUrl ? it : it.skip;
  let db: TestDatabase;
  let connection: NativeConnection;
  let client: Client;
  let closeClient: () => Promise<void>;
  let workflowBundle: { code: string };

  beforeAll(async () => {
    if (!postgresUrl) return;
    try {
      Runtime.install({
        logger: new DefaultLogger('WARN'),
        telemetryOptions: { logging: { filter: 'WARN', forward: {} } },
      });
    } catch {
      // installed already by another file in this worker process
    }
    [db, connection, { client, close: closeClient }, workflowBundle] = await Promise.all([
      createTestDatabase('postgres'),
      NativeConnection.connect({ address: serverAddress() }),
      connectClient(),
      bundleWorkflowCode({
        workflowsPath: path.join(__dirname, '../fixtures/temporal/record-step-workflows.ts'),
        logger: new DefaultLogger('WARN'),
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await closeClient?.();
    await connection?.close();
    await db?.close();
  });

  /** Runs one emitEvents step while another transaction holds its event's key for STALL_MS. */
  async function stalledStep(withInterceptor: boolean) {
    const queue = uniqueQueue(withInterceptor ? 'br-record-beats' : 'br-record-silent');
    const event: TelemetryEventInput = {
      type: 'TASK_STARTED',
      buildId: queue,
      at: Date.now(),
      dedupeKey: `${queue}/lock`,
    };
    let runs = 0;
    const worker = await Worker.create({
      connection,
      taskQueue: queue,
      workflowBundle,
      activities: {
        emitEvents: async (events: TelemetryEventInput[]) => {
          runs += 1;
          await emitEvents(db, events);
        },
      },
      ...(withInterceptor ? { interceptors: { activity: [keepAliveInterceptor(KEPT_ALIVE, BEATING)] } } : {}),
    });
    const holder = new PgClient({ connectionString: postgresUrl });
    await holder.connect();
    try {
      await holder.query(`SET search_path TO "${db.schema}"`);
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO "TelemetryEvent" (type, "occurredAt", "dedupeKey") VALUES ('LOCK', now(), $1)`,
        [event.dedupeKey],
      );
      const started = Date.now();
      const history = await worker.runUntil(async () => {
        const handle = await client.workflow.start('emitEventsOnce', {
          taskQueue: queue,
          workflowId: queue,
          args: [[event]],
        });
        await until('the step to start', () => runs >= 1);
        await new Promise((r) => setTimeout(r, STALL_MS));
        await holder.query('ROLLBACK');
        await handle.result();
        return handle.fetchHistory();
      });
      const events = history.events ?? [];
      const rows = await db.prisma.telemetryEvent.count({ where: { dedupeKey: event.dedupeKey } });
      return {
        runs,
        rows,
        elapsedMs: Date.now() - started,
        // A retried step's start is recorded once, with the attempt that ended it and the last failure.
        started: events
          .map((e) => e.activityTaskStartedEventAttributes)
          .filter((a) => !!a)
          .map((a) => ({ attempt: a.attempt, lastFailure: a.lastFailure?.message ?? null })),
      };
    } finally {
      await holder.end();
    }
  }

  withPostgres(
    'beats while its database is slow past the heartbeat timeout: not timed out, run once, one row',
    async () => {
      const [beating, silent] = await Promise.all([stalledStep(true), stalledStep(false)]);
      expect(beating.elapsedMs).toBeGreaterThan(HEARTBEAT_MS);
      expect(beating).toMatchObject({ runs: 1, rows: 1, started: [{ attempt: 1, lastFailure: null }] });
      // The control: the same stall without the interceptor's beats is timed out and run again.
      expect(silent.runs).toBeGreaterThanOrEqual(2);
      expect(silent.started).toEqual([
        { attempt: silent.runs, lastFailure: expect.stringMatching(/heartbeat/i) as unknown },
      ]);
      expect(silent.rows).toBe(1);
    },
    90_000,
  );
});
