import { recordBuild } from '../../activities/persistence/records';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import { createContext } from '../../services/context';
import { runBr } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createSimBuildBackend, type SimBuildBackend } from '../helpers/sim-builds';
import { todoRepo } from '../fixtures/dashboard';

describe('steering from the dashboard', () => {
  let db: TestDatabase;
  let repo: string;
  let builds: SimBuildBackend;
  let buildId: string;
  const br = (...argv: string[]) =>
    runBr(argv, { cwd: repo, services: { builds, database: db }, env: { DATABASE_URL: undefined } });
  const serve = (allowControl: boolean) =>
    startDashboard({
      ctx: { ...createContext({ cwd: repo, env: {} }), builds, database: db },
      db,
      port: 0,
      allowControl,
    });

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    repo = todoRepo();
    builds = createSimBuildBackend();
    const started = await br('build', 'start', 'PROJECT_SPEC.md', '--budget', '5', '--json');
    buildId = (JSON.parse(started.stdout) as { buildId: string }).buildId;
    expect(JSON.parse((await br('build', 'status', buildId, '--json')).stdout).status).toBe('RUNNING');
    await recordBuild(db, builds.builds.get(buildId)!.last!.store.builds.at(-1)!);
  }, 180_000);
  afterAll(async () => {
    await db?.close();
  });

  it('offers no steering without --allow-control', async () => {
    const dashboard = await serve(false);
    try {
      const page = await (await fetch(`${dashboard.url}/builds/${buildId}`)).text();
      expect(page).toContain(buildId);
      expect(page).not.toContain('<form');
    } finally {
      await dashboard.close();
    }
  });

  it('cancels a build from its page only with the token of this server process', async () => {
    let dashboard: RunningDashboard | undefined;
    try {
      dashboard = await serve(true);
      const page = await (await fetch(`${dashboard.url}/builds/${buildId}`)).text();
      const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
      expect(token).toMatch(/^[\w-]{32}$/);
      const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${dashboard!.url}/builds/${buildId}/cancel`, {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        });
      expect((await post('')).status).toBe(403);
      expect((await post(`csrf=${'x'.repeat(32)}`)).status).toBe(403);
      expect((await post(`csrf=${token}`, { origin: 'http://evil.example' })).status).toBe(403);
      expect(JSON.parse((await br('build', 'status', buildId, '--json')).stdout).status).toBe('RUNNING');

      // Another server process has another token: the first one's is no good there.
      const other = await serve(true);
      const res = await fetch(`${other.url}/builds/${buildId}/cancel`, {
        method: 'POST',
        body: `csrf=${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(403);
      await other.close();

      const ok = await post(`csrf=${token}`);
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe(`/builds/${buildId}`);
      const after = await (await fetch(`${dashboard.url}/api/builds/${buildId}/status`)).json();
      expect(['CANCELLING', 'CANCELLED']).toContain(after.status);
    } finally {
      await dashboard?.close();
    }
  }, 120_000);
});
