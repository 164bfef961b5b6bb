/**
 * The embedded server runs every connection's statements on one PGlite session. The socket library
 * queues each wire message on its own, so without grouping, one connection's Parse/Bind/Execute/Sync
 * could run between another's: the other connection's unnamed statement or portal is gone ("unnamed
 * prepared statement does not exist", `portal "" does not exist`) or answers with the wrong rows. This
 * is the flake that failed builds on first attempts under load.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedServer } from '../../services/db-embedded-server';

describe('the embedded database server with concurrent connections', () => {
  it('runs each parameterised query whole: no lost statements, no answers swapped between connections', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-interleave-'));
    const server = await startEmbeddedServer({ root, dataDir: path.join(root, '.buildrunner', 'db') });
    const clients = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const client = new Client({ connectionString: server.url });
        await client.connect();
        return client;
      }),
    );
    try {
      await clients[0]!.query('CREATE TABLE interleave_probe (id serial PRIMARY KEY, v int, pad text)');
      const errors: string[] = [];
      const wrong: string[] = [];
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 200; i++) {
            const n = c * 1000 + i;
            try {
              // A different statement per connection (a swapped one answers with another column); large
              // rows from half the connections arrive in several reads, as a loaded machine splits them.
              const { rows } = await client.query<Record<string, number>>(
                `INSERT INTO interleave_probe (v, pad) VALUES ($1::int, $2) RETURNING v AS n${c}`,
                [n, c % 2 ? 'x'.repeat(200_000) : 'y'],
              );
              if (rows[0]?.[`n${c}`] !== n) wrong.push(`${n} -> ${JSON.stringify(rows[0])}`);
            } catch (err) {
              errors.push((err as Error).message);
            }
          }
        }),
      );
      expect({ errors: [...new Set(errors)], wrong: wrong.slice(0, 5) }).toEqual({ errors: [], wrong: [] });
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await server.stop();
    }
  }, 120_000);
});
