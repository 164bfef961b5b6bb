import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import { createContext } from '../../services/context';
import { runBr } from '../helpers/cli';
import { createTestDatabase, testTargets, type TestDatabase } from '../helpers/db';
import {
  addBlogCost,
  NOW,
  recordTodoBuild,
  seedShopAndBlog,
  XSS_TITLE,
  type SimulatedRepo,
} from '../fixtures/dashboard';

describe.each(testTargets)('br dashboard over the three-repository fixture (%s)', (target) => {
  let db: TestDatabase;
  let todo: SimulatedRepo;
  let dashboard: RunningDashboard;
  const services = () => ({ builds: todo.builds, database: db });
  const br = async (...argv: string[]) => {
    const out = await runBr(argv, { cwd: todo.repo, services: services(), env: { DATABASE_URL: undefined } });
    expect(out.stderr).toBe('');
    return out;
  };
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${dashboard.url}${path}`, { headers, redirect: 'manual' });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back in assertions
  const json = async (path: string): Promise<any> => JSON.parse((await get(path)).body);

  beforeAll(async () => {
    db = await createTestDatabase(target);
    await seedShopAndBlog(db);
    todo = await recordTodoBuild(db);
    const ctx = { ...createContext({ cwd: todo.repo, env: {} }), ...services() };
    dashboard = await startDashboard({ ctx, db, port: 0, now: () => NOW, pollMs: 200 });
  }, 120_000);
  afterAll(async () => {
    await dashboard?.close();
    await db?.close();
  });

  it('lists one row per repository, the failed one first, with its spend, rates and durations', async () => {
    const { repos } = await json('/api/overview');
    expect(repos.map((r: { projects: string[] }) => r.projects[0])).toEqual(['shop', 'blog', 'todo-api']);
    const [shop, blog, todoApi] = repos;
    expect(shop).toMatchObject({
      repoPath: '/srv/repos/shop',
      builds: 2,
      attention: [{ buildId: 'build-shop-new', reason: 'failed', status: 'FAILED' }],
      active: [],
      spend: { todayUsd: '0.3333333333', last7dUsd: '1.8333333333', last30dUsd: '1.8333333333' },
      budget: { breaker: 'closed', activeBudgetUsd: '0' },
      tasks: { succeeded: 2, failed: 1 },
      costPerSucceededTaskUsd: '0.9166666667',
      duration: { n: 2, p50Ms: 600_000, p95Ms: 1_200_000, smallSample: true },
    });
    expect(shop.tasks.successRate).toBeCloseTo(2 / 3, 10);
    expect(blog).toMatchObject({
      attention: [],
      active: [
        {
          id: 'build-blog-live',
          status: 'RUNNING',
          tasksMerged: 2,
          taskCount: 4,
          percentMerged: 50,
          elapsedMs: 30 * 60_000,
          running: [{ taskKey: 'b2', title: XSS_TITLE }],
          budgetUsd: '10',
          costUsd: '0.5',
        },
      ],
      spend: { todayUsd: '0.5', last7dUsd: '0.5', last30dUsd: '0.5' },
      budget: { activeBudgetUsd: '10', activeSpentUsd: '0.5', breaker: 'closed' },
      tasks: { succeeded: 2, failed: 0, successRate: 1 },
      costPerSucceededTaskUsd: '0.25',
      duration: { n: 2, p50Ms: 300_000, p95Ms: 900_000 },
    });
    // No Web UI is configured and no br dev runs there: no link, rather than a guessed port (#32).
    expect(blog.active[0].webUiUrl).toBeNull();
    expect(todoApi.lastBuild).toMatchObject({ id: todo.buildId, status: 'SUCCEEDED' });
    expect(todoApi.spend.todayUsd).toBe('0');
  });

  it('answers the cost endpoint exactly as `br costs --json` does, for every grouping', async () => {
    for (const by of ['model', 'task', 'build', 'day']) {
      const cli = JSON.parse((await br('costs', '--by', by, '--json')).stdout);
      expect(await json(`/api/costs?by=${by}`)).toEqual(cli);
      expect(cli.rows.length).toBeGreaterThan(1);
    }
    const total = (await json('/api/costs')).total.costUsd;
    expect(total).toBe(JSON.parse((await br('costs', '--json')).stdout).total.costUsd);
    expect(await json(`/api/costs?by=day&build=${todo.buildId}`)).toEqual(
      JSON.parse((await br('costs', '--by', 'day', '--build', todo.buildId, '--json')).stdout),
    );
  });

  it('answers the build endpoints exactly as `br build status --json` does', async () => {
    const cli = JSON.parse((await br('build', 'status', todo.buildId, '--json')).stdout);
    expect(cli.status).toBe('SUCCEEDED');
    expect(await json(`/api/builds/${todo.buildId}/status`)).toEqual(cli);
    const page = await json(`/api/builds/${todo.buildId}`);
    expect(page.live.status).toEqual(cli);
    expect(page.costByDay).toEqual(
      JSON.parse((await br('costs', '--by', 'day', '--build', todo.buildId, '--json')).stdout),
    );
    expect(page.tasks.map((t: { taskKey: string }) => t.taskKey).sort()).toEqual(
      cli.tasks.map((t: { id: string }) => t.id).sort(),
    );
  });

  it('renders the tables as HTML without JavaScript, with a task title shown as text', async () => {
    const home = await get('/');
    expect(home.type).toBe('text/html; charset=utf-8');
    expect(home.body).toMatch(/<tr class="fire" data-repo="\/srv\/repos\/shop">/);
    expect(home.body).toContain('$0.33</td>');
    expect(home.body).toContain('$1.83</td>');
    expect(home.body).toContain('50% merged (2/4)');
    const blog = await get('/builds/build-blog-live');
    expect(blog.status).toBe(200);
    for (const body of [home.body, blog.body]) {
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(body).not.toContain('<img');
    }
    expect(blog.body).toMatch(/<g class="state-running" data-task="b2"/);
    expect(blog.body).toContain('Live status from Temporal is unavailable');
  });

  it('gives an unknown build a 404 page, and its JSON twin a 404 too', async () => {
    const page = await get('/builds/build-nope-00000000');
    expect(page.status).toBe(404);
    expect(page.body).toContain('No build &quot;build-nope-00000000&quot; in this database');
    expect((await get('/api/builds/build-nope-00000000')).status).toBe(404);
    expect((await get('/nowhere')).status).toBe(404);
  });

  it('refuses steering while read-only, and requests addressed to another host name', async () => {
    const res = await fetch(`${dashboard.url}/builds/build-blog-live/cancel`, { method: 'POST', body: '' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('--allow-control');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${dashboard.url}/`, { headers: { host: 'attacker.example:80' } }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('serves at most 150 KB of JavaScript, all of it from itself', async () => {
    let bytes = 0;
    for (const path of ['/', '/builds/build-blog-live']) {
      const srcs = [...(await get(path)).body.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]!);
      expect(srcs.length).toBeGreaterThan(0);
      for (const src of srcs) expect(src.startsWith('/assets/')).toBe(true);
      bytes = Math.max(
        bytes,
        (await Promise.all(srcs.map(async (s) => (await get(s)).body.length))).reduce((a, b) => a + b, 0),
      );
    }
    expect(bytes).toBeGreaterThan(40_000);
    expect(bytes).toBeLessThanOrEqual(150 * 1024);
  });

  it('tells a listening page about a new cost row within 2 seconds', async () => {
    const controller = new AbortController();
    const res = await fetch(`${dashboard.url}/api/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/event: hello/);
    await new Promise((r) => setTimeout(r, 400));
    const t0 = Date.now();
    await addBlogCost(db, `live-${target}`, '0.01');
    await read(/event: change/);
    expect(Date.now() - t0).toBeLessThanOrEqual(2000);
    controller.abort();
    expect((await json('/api/overview')).repos[1].spend.todayUsd).toBe('0.51');
  });

  it('says which port is taken and how to choose another', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const out = await runBr(['dashboard', '--port', String(port), '--no-open'], {
        cwd: todo.repo,
        services: services(),
        env: { DATABASE_URL: undefined },
      });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(`Port ${port} on 127.0.0.1 is in use. Choose another with --port N`);
    } finally {
      blocker.close();
    }
  });
});
