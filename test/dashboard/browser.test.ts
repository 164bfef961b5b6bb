import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import { createContext, type ServiceContext } from '../../services/context';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  addBlogCost,
  NOW,
  recordTodoBuild,
  seedShopAndBlog,
  XSS_TITLE,
  type SimulatedRepo,
} from '../fixtures/dashboard';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!present && !inCi)
  console.log(`skipping the dashboard browser tests: ${CHROMIUM} is absent (apt-get install chromium)`);
// The README's screenshots are rewritten only on request; every run writes its own under test/.output.
const SHOTS =
  process.env.UPDATE_DASHBOARD_SCREENSHOTS === '1'
    ? path.join(__dirname, '../../docs')
    : path.join(__dirname, '../.output/dashboard');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const { violations, passes } = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: unknown): Promise<{ violations: unknown[]; passes: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return { violations: result.violations as AxeViolation[], passes: result.passes.length };
  });
  // The audit looked at the page: dozens of rules pass on any of these pages.
  expect(passes).toBeGreaterThan(10);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

(present || inCi ? describe : describe.skip)('br dashboard in Chromium', () => {
  let db: TestDatabase;
  let todo: SimulatedRepo;
  let ctx: ServiceContext;
  let dashboard: RunningDashboard;
  let browser: Browser;
  const serve = async (port = 0) =>
    (dashboard = await startDashboard({ ctx, db, port, now: () => NOW, pollMs: 250 }));

  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    db = await createTestDatabase('pglite');
    await seedShopAndBlog(db);
    todo = await recordTodoBuild(db);
    ctx = { ...createContext({ cwd: todo.repo, env: {} }), builds: todo.builds, database: db };
    await serve();
    mkdirSync(SHOTS, { recursive: true });
    // launch() gives the browser a fresh temporary profile of its own, removed on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await db?.close();
  });

  // bypassCSP lets the audit inject axe; the dashboard's own policy allows no inline script.
  const open = async (pathname: string, colorScheme: 'light' | 'dark' = 'light', bypassCSP = false) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme, bypassCSP });
    await page.goto(`${dashboard.url}${pathname}`);
    return page;
  };

  it('shows the three repositories with their figures, the failed one first', async () => {
    const page = await open('/');
    const rows = page.locator('#repos tbody tr');
    expect(await rows.count()).toBe(3);
    const cells = async (i: number) =>
      (await rows.nth(i).locator('th, td').allInnerTexts()).map((s) => s.trim());
    const [shop, blog, todoApi] = [await cells(0), await cells(1), await cells(2)];
    expect(shop[0]).toContain('shop');
    expect(shop[1]).toContain('failed build-shop-new');
    expect(shop.slice(3, 6)).toEqual(['$0.33', '$1.83', '$1.83']);
    expect(shop[7]).toBe('$0.92');
    expect(shop[8]).toBe('67% (2/3)');
    expect(shop[9]).toMatch(/^10m 0s \/ 20m 0s n=2 small n$/);
    expect(blog[0]).toContain('blog');
    expect(blog[2]).toContain('50% merged (2/4), 30m 0s');
    expect(blog[2]).toContain(`running: ${XSS_TITLE}`);
    expect(blog[6]).toContain('$0.50 of $10.00 breaker closed');
    expect(todoApi[0]).toContain('todo-api');
    expect(todoApi[10]).toContain('SUCCEEDED');
    await page.close();
  });

  it('has no serious or critical axe violations in light and dark mode', async () => {
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const pathname of ['/', '/builds/build-blog-live', `/builds/${todo.buildId}`, '/builds/nope']) {
        const page = await open(pathname, colorScheme, true);
        found.push(...(await seriousViolations(page)).map((v) => `${colorScheme} ${pathname} ${v}`));
        await page.close();
      }
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('shows a task titled as an HTML tag as text, and runs no script from it', async () => {
    const page = await open('/builds/build-blog-live');
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.reload();
    expect(await page.locator('#tasks tr[data-task="b2"] th').innerText()).toContain(XSS_TITLE);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('draws the task graph coloured by state and the cost chart with uPlot', async () => {
    const page = await open(`/builds/${todo.buildId}`);
    const boxes = page.locator('.graph g[data-task]');
    expect(await boxes.count()).toBeGreaterThan(2);
    expect(await page.locator('.graph path.edge').count()).toBeGreaterThan(0);
    const fill = await page
      .locator('.graph g.state-succeeded rect')
      .first()
      .evaluate((r) => getComputedStyle(r).fill);
    expect(fill).toBe('rgb(218, 251, 225)');
    await page.locator('#cost-chart canvas').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-build.png') });
    await page.close();
  });

  it('updates the page within 2 seconds of a new cost row, and again after the server restarts', async () => {
    const page = await open('/');
    await page.waitForFunction(() => document.documentElement.dataset.live === 'connected');
    const today = page.locator('#repos tbody tr').nth(1).locator('td').nth(2);
    expect(await today.innerText()).toBe('$0.50');
    const t0 = Date.now();
    await addBlogCost(db, 'browser-1', '0.10');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('#repos tbody tr')[1]?.querySelectorAll('td')[2]?.textContent === '$0.60',
      undefined,
      { timeout: 2000 },
    );
    expect(Date.now() - t0).toBeLessThanOrEqual(2000);

    const port = dashboard.port;
    await dashboard.close();
    await page.waitForFunction(() => document.documentElement.dataset.live === 'reconnecting');
    await serve(port);
    await page.waitForFunction(() => document.documentElement.dataset.live === 'connected', undefined, {
      timeout: 10_000,
    });
    await addBlogCost(db, 'browser-2', '0.05');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('#repos tbody tr')[1]?.querySelectorAll('td')[2]?.textContent === '$0.65',
      undefined,
      { timeout: 2000 },
    );
    await page.close();
  }, 60_000);

  it('loads at most 150 KB of JavaScript, all from the dashboard', async () => {
    const page = await browser.newPage();
    const scripts: { url: string; bytes: number }[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script')
        void res.body().then((b) => scripts.push({ url: res.url(), bytes: b.length }));
    });
    await page.goto(`${dashboard.url}/builds/${todo.buildId}`, { waitUntil: 'networkidle' });
    expect(scripts.length).toBe(2);
    for (const s of scripts) expect(s.url.startsWith(`${dashboard.url}/assets/`)).toBe(true);
    expect(scripts.reduce((a, s) => a + s.bytes, 0)).toBeLessThanOrEqual(150 * 1024);
    await page.close();
  });

  it('writes the README screenshot of the first screen', async () => {
    const page = await open('/', 'dark');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-overview.png') });
    await page.close();
    expect(readFileSync(path.join(SHOTS, 'dashboard-overview.png')).length).toBeLessThan(300_000);
  });
});
