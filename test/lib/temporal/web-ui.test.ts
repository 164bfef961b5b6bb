/**
 * The Temporal Web UI in a real browser (Debian's chromium through playwright-core, no browser
 * download): after a real build, the page `br build status` links to lists the build with its summary,
 * the task child workflows with theirs, and the Claude activities with model and task. Screenshots go
 * to .buildrunner/screenshots/ (test output, git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createContext } from '../../../services/context';
import { startWorkers, type RunningWorkers } from '../../../worker/run';
import { runBr } from '../../helpers/cli';
import { describeServer, serverBundle } from '../../helpers/temporal';
import { setupRealBuild, type RealBuild } from '../../fixtures/temporal/real-build';

const CHROMIUM = process.env.BR_CHROMIUM ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium floods the closed network with refused connections.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = path.join(__dirname, '../../../.buildrunner/screenshots');
const uiUrl = process.env.BR_TEST_TEMPORAL_UI;
const available = Boolean(uiUrl && existsSync(CHROMIUM));
if (uiUrl && !available)
  process.env.BR_TEST_TEMPORAL_SKIP ??= `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

/** The UI renders summaries and details as markdown in frames: wait until any frame shows the text. */
async function showsText(page: import('playwright-core').Page, text: string): Promise<void> {
  let seen = '';
  for (let i = 0; i < 100; i++) {
    seen = '';
    for (const frame of page.frames())
      seen += await frame
        .locator('body')
        .innerText()
        .catch(() => '');
    if (seen.includes(text)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the page never showed "${text}"; it showed:\n${seen.slice(0, 2000)}`);
}

describeServer(
  'the Temporal Web UI in Chromium',
  () => {
    let build: RealBuild;
    let workers: RunningWorkers;
    let buildId: string;

    beforeAll(async () => {
      build = await setupRealBuild({ database: 'embedded', config: {} });
      const ctx = createContext({ cwd: build.repo, env: { ...process.env, ...build.env } });
      workers = await startWorkers(ctx, { workflowBundle: await serverBundle() });
      const { ANTHROPIC_API_KEY: _key, ...cliEnv } = build.env;
      const run = await runBr(['build', 'start', 'PROJECT_SPEC.md', '--budget', '5', '--watch'], {
        cwd: build.repo,
        env: { ...cliEnv, ANTHROPIC_API_KEY: undefined },
      });
      expect(run.stdout).toMatch(/ done SUCCEEDED /);
      buildId = /Started build (\S+)/.exec(run.stdout)![1]!;
    }, 240_000);

    afterAll(async () => {
      await workers?.shutdown();
      await build?.close();
    });

    it('shows the build, its task workflows and the Claude activities with model and task', async () => {
      const status = await runBr(['build', 'status', buildId], {
        cwd: build.repo,
        env: { TEMPORAL_ADDRESS: build.env.TEMPORAL_ADDRESS, TEMPORAL_UI_URL: uiUrl },
      });
      const link = new RegExp(`${uiUrl!.replace(/[.:/]/g, '\\$&')}\\S+`).exec(status.stdout)?.[0];
      expect(link).toBe(`${uiUrl}/namespaces/default/workflows/${buildId}`);

      const { chromium } = await import('playwright-core');
      // launch() gives Chromium a fresh temporary profile (its own --user-data-dir).
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
      mkdirSync(SHOTS, { recursive: true });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(link!);
        await page.getByText(buildId).first().waitFor({ timeout: 30_000 });
        // The build's summary, and its five task child workflows under Relationships.
        await page.getByRole('tab', { name: /User Metadata/ }).click();
        await showsText(page, 'Build todo-api · PROJECT_SPEC.md · budget $5 · parallel 4');
        await showsText(page, 'SUCCEEDED · 5 done, 0 running');
        await page.screenshot({ path: path.join(SHOTS, 'build.png') });
        await page.getByRole('tab', { name: /Relationships/ }).click();
        for (const task of ['store-complete-and-reopen-1', 'errors-module-1', 'docs-1'])
          await page.getByText(`${buildId}/task-${task}`).first().waitFor({ timeout: 30_000 });

        // A task child workflow: its summary `<task> · <title>`, and its Claude activities by task and model.
        const child = `${buildId}/task-docs-1`;
        await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(child)}`);
        await page
          .getByText(/docs-1 · claude-haiku-5-5 · attempt 1/)
          .first()
          .waitFor({ timeout: 30_000 });
        await page.screenshot({ path: path.join(SHOTS, 'task.png') });
        await page.getByRole('tab', { name: /User Metadata/ }).click();
        await showsText(page, 'docs-1 · Describe the error shape in docs/errors.md');
      } finally {
        await browser.close();
      }
    }, 120_000);
  },
  { available },
);
