import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { themeCss } from '../../../lib/design/emit/css';
import { patterns } from '../../../lib/design/patterns';
import { profiles } from '../../../lib/design/profiles';
import { buildTheme, type DesignTheme } from '../../../lib/design/theme';
import {
  compileTailwind,
  specimenBody,
  specimenCandidates,
  specimenHtml,
} from '../../helpers/design-specimen';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, '../../.output/design');
const GALLERY = path.join(__dirname, '../../../docs/design-gallery.png');
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!present && !inCi) {
  console.log(`skipping the Chromium + axe design check: ${CHROMIUM} is absent (apt-get install chromium)`);
}

interface AxeRule {
  id: string;
  nodes: { target: string[]; any: { message: string }[] }[];
}
interface AxeResult {
  violations: AxeRule[];
  incomplete: AxeRule[];
  passes: AxeRule[];
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function audit(page: Page, aaa: boolean): Promise<AxeResult> {
  const rules = aaa ? ['color-contrast', 'color-contrast-enhanced'] : ['color-contrast'];
  return page.evaluate(async (values) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<unknown> } })
      .axe;
    return (await axe.run(document, { runOnly: { type: 'rule', values } })) as AxeResult;
  }, rules);
}

const themes = profiles.flatMap((p) => patterns.map((q) => [p.meta.id, q.meta.id] as const));

(present || inCi ? describe : describe.skip)('every theme rendered in Chromium', () => {
  let browser: BrowserContext;
  let userDataDir: string;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true); // CI installs it (.ci/run); a missing browser fails there
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'br-chromium-'));
    mkdirSync(OUTPUT, { recursive: true });
    // A fresh profile folder per run: nothing from another run (or the user's browser) leaks in.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      viewport: { width: 1100, height: 760 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  async function renderAll(page: Page, list: (readonly [string, string])[]) {
    const failures: string[] = [];
    let checked = 0;
    const passed: number[] = [];
    for (const [profile, pattern] of list) {
      const theme = buildTheme(profile, pattern);
      const body = specimenBody(theme);
      const css = await compileTailwind(
        `@import "tailwindcss";\n${themeCss(theme)}`,
        specimenCandidates(body),
      );
      await page.setContent(specimenHtml(body, css));
      await page.addScriptTag({ content: axeSource });
      for (const mode of ['light', 'dark'] as const) {
        await page.evaluate(
          (dark) => document.documentElement.classList.toggle('dark', dark),
          mode === 'dark',
        );
        const result = await audit(page, theme.settings.contrast === 'AAA');
        // `incomplete` is axe saying it could not decide (e.g. an unknown background): a failure here too.
        for (const v of [...result.violations, ...result.incomplete]) {
          for (const n of v.nodes)
            failures.push(`${theme.id} ${mode} ${v.id} ${n.target.join(' ')}: ${n.any[0]?.message ?? ''}`);
        }
        passed.push(result.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0);
        await page.screenshot({ path: path.join(OUTPUT, `${theme.id}-${mode}.png`) });
        checked += 1;
      }
    }
    return { failures, checked, passed };
  }

  it('shows zero axe colour-contrast violations in 128 themes (64 combinations, light and dark)', async () => {
    const pages = await Promise.all([0, 1].map(() => browser.newPage()));
    const halves = [themes.filter((_, i) => i % 2 === 0), themes.filter((_, i) => i % 2 === 1)];
    const results = await Promise.all(pages.map((page, i) => renderAll(page, halves[i]!)));
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    expect(results.reduce((n, r) => n + r.checked, 0)).toBe(128);
    // Every page had its text checked, not skipped: the specimen has more than 30 text nodes.
    expect(Math.min(...results.flatMap((r) => r.passed))).toBeGreaterThan(30);
  }, 300_000);

  (process.env.UPDATE_DESIGN_GALLERY === '1' ? it : it.skip)(
    'writes the README gallery',
    async () => {
      const tiles: string[] = [];
      for (const p of profiles) {
        const theme: DesignTheme = buildTheme(p.meta.id, 'dashboard');
        const body = specimenBody(theme);
        const css = await compileTailwind(
          `@import "tailwindcss";\n${themeCss(theme)}`,
          specimenCandidates(body),
        );
        for (const dark of [false, true]) {
          const html = specimenHtml(body, css).replace(
            '<html lang="en">',
            `<html lang="en" class="${dark ? 'dark' : ''}">`,
          );
          tiles.push(`<iframe srcdoc="${html.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe>`);
        }
      }
      const page = await browser.newPage();
      await page.setViewportSize({ width: 880, height: 440 });
      await page.setContent(
        `<style>body{margin:0;display:grid;grid-template-columns:repeat(4,220px);grid-auto-rows:110px}iframe{border:0;width:1100px;height:550px;transform:scale(0.2);transform-origin:0 0}</style>${tiles.join('')}`,
      );
      await page.waitForTimeout(500);
      mkdirSync(path.dirname(GALLERY), { recursive: true });
      writeFileSync(GALLERY, await page.screenshot({ type: 'png' }));
    },
    120_000,
  );
});
