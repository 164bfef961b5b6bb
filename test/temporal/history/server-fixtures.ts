/**
 * Histories recorded on the real Temporal server (test/temporal/fixtures/histories/server/), replayed by
 * recorded-replay.test.ts next to the generated ones. The server tests write them when run with
 * BR_RECORD_SERVER_FIXTURES=1:
 *
 *   BR_RECORD_SERVER_FIXTURES=1 npm run test:server -- test/temporal/recorded-scenarios.test.ts test/temporal/killed-worker.test.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { FIXTURE_DIR, fixtureText, type HistoryFixture } from './record-fixtures';

export const SERVER_FIXTURE_DIR = path.join(FIXTURE_DIR, 'server');
export const SERVER_RECORD_COMMAND =
  'BR_RECORD_SERVER_FIXTURES=1 npm run test:server -- test/temporal/recorded-scenarios.test.ts test/temporal/killed-worker.test.ts';

export async function recordServerFixture(client: Client, workflowId: string, name: string): Promise<void> {
  if (!process.env.BR_RECORD_SERVER_FIXTURES) return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  // Stack traces name files under this checkout: committed, they say paths relative to the repository.
  const root = `${path.resolve(__dirname, '../../..')}/`;
  const parsed = JSON.parse(historyToJSON(history).split(root).join('')) as Pick<HistoryFixture, 'events'>;
  const fixture: HistoryFixture = { workflowId, events: parsed.events };
  const decoded = JSON.stringify(fixture).replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_m, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );
  // A recorded history is committed: it must never carry a key (tests build theirs at run time).
  if (/sk-ant-/.test(decoded)) throw new Error(`the history of ${workflowId} contains an Anthropic key`);
  mkdirSync(SERVER_FIXTURE_DIR, { recursive: true });
  const file = path.join(SERVER_FIXTURE_DIR, `${name}.json`);
  writeFileSync(file, await fixtureText(fixture, file));
}
