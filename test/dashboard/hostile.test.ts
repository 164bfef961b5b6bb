import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import { createContext } from '../../services/context';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('dashboard requests a user or another site can malform', () => {
  let db: TestDatabase;
  let dashboard: RunningDashboard;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const cwd = mkdtempSync(path.join(tmpdir(), 'br-dash-malformed-'));
    dashboard = await startDashboard({
      ctx: { ...createContext({ cwd, env: {} }), database: db },
      db,
      port: 0,
      allowControl: true,
    });
  }, 60_000);
  afterAll(async () => {
    await dashboard?.close();
    await db?.close();
  });

  it('answers a build id with a broken percent escape as a user mistake, not a server error', async () => {
    for (const p of ['/builds/%E0%A4%A', '/api/builds/%', '/api/builds/%ZZ/status']) {
      const res = await fetch(`${dashboard.url}${p}`);
      expect([p, res.status]).toEqual([p, 400]);
    }
    const steer = await fetch(`${dashboard.url}/builds/%/cancel`, { method: 'POST', body: '' });
    expect(steer.status).toBe(400);
  });

  it('refuses steering from an opaque origin (Origin: null) with 403, not a crash', async () => {
    const res = await fetch(`${dashboard.url}/builds/b-1/cancel`, {
      method: 'POST',
      body: 'csrf=x',
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('own pages');
  });

  it('refuses an oversized steering body with 413', async () => {
    const res = await fetch(`${dashboard.url}/builds/b-1/cancel`, {
      method: 'POST',
      body: `csrf=${'a'.repeat(20_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(413);
  });

  it('on a wildcard bind still refuses a Host that is a DNS name of another site (rebinding)', async () => {
    const wide = await startDashboard({
      ctx: {
        ...createContext({ cwd: mkdtempSync(path.join(tmpdir(), 'br-dash-wide-')), env: {} }),
        database: db,
      },
      db,
      host: '0.0.0.0',
      port: 0,
      allowControl: true,
    });
    const status = (hostHeader: string) =>
      new Promise<number>((resolve, reject) =>
        request({ host: '127.0.0.1', port: wide.port, path: '/', headers: { host: hostHeader } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end(),
      );
    try {
      expect(await status(`attacker.example:${wide.port}`)).toBe(421);
      expect(await status(`127.0.0.1:${wide.port}`)).toBe(200);
      expect(await status(`192.0.2.7:${wide.port}`)).toBe(200);
      expect(await status(`[::1]:${wide.port}`)).toBe(200);
    } finally {
      await wide.close();
    }
  });

  it('serves pages when bound to an IPv6 address', async () => {
    const v6 = await startDashboard({
      ctx: {
        ...createContext({ cwd: mkdtempSync(path.join(tmpdir(), 'br-dash-v6-')), env: {} }),
        database: db,
      },
      db,
      host: '::1',
      port: 0,
    });
    try {
      expect(v6.url).toBe(`http://[::1]:${v6.port}`);
      expect((await fetch(`${v6.url}/api/overview`)).status).toBe(200);
    } finally {
      await v6.close();
    }
  });
});
