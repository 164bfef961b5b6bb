import { brandLayer } from '../../../lib/design/brand';
import { contrast } from '../../../lib/design/color';
import type { DtcgGroup } from '../../../lib/design/dtcg';
import { REQUIRED_PAIRS } from '../../../lib/design/semantic';
import { buildTheme } from '../../../lib/design/theme';
import { UserError } from '../../../lib/errors';

const srgb = (r: number, g: number, b: number) => ({ colorSpace: 'srgb', components: [r, g, b] });
const brand = (doc: Record<string, unknown>) => brandLayer(doc as DtcgGroup, 'acme');

describe('merging base, profile, pattern and brand', () => {
  it('lets the brand win over pattern, profile and base, and reports every source', () => {
    const theme = buildTheme(
      'ecommerce',
      'marketplace',
      brand({ palette: { primary: { $type: 'color', $value: srgb(0.231, 0.51, 0.965) } } }),
    );
    const conflict = theme.report.conflicts.find((c) => c.path === 'palette.primary');
    expect(conflict).toMatchObject({
      winner: 'brand:acme',
      rule: 'precedence',
      sources: [
        { source: 'base:base' },
        { source: 'profile:ecommerce' },
        { source: 'brand:acme', value: '#3b82f6' },
      ],
    });
  });

  it('repairs #3B82F6 under white-ish text by lightness and shows before and after', () => {
    const theme = buildTheme(
      'saas',
      'dashboard',
      brand({ palette: { primary: { $type: 'color', $value: srgb(0.231, 0.51, 0.965) } } }),
    );
    const repair = theme.report.repairs.find((r) => r.mode === 'light' && r.token === 'primary');
    expect(repair).toMatchObject({
      pair: 'primary-foreground on primary',
      threshold: 4.5,
      reason: 'below',
      method: 'lightness',
    });
    expect(repair!.before.hex).toBe('#3b82f6');
    expect(repair!.before.ratio).toBeLessThan(4.5);
    expect(repair!.after.ratio).toBeGreaterThanOrEqual(4.5);
  });

  it('lets the pattern set density over the profile, then raises controls to the profile minimum target', () => {
    const theme = buildTheme('healthcare', 'dashboard');
    expect(theme.settings.density).toBe('compact');
    expect(theme.report.conflicts.find((c) => c.path === 'settings.density')).toMatchObject({
      winner: 'pattern:dashboard',
      rule: 'precedence',
    });
    expect(theme.report.sizes).toContainEqual({
      token: 'size.control.md',
      before: 32,
      after: 44,
      rule: 'raised to size.target-min (44px)',
    });
  });

  it.each([
    [
      'healthcare',
      '16px brand target',
      { size: { 'target-min': { $type: 'dimension', $value: { value: 16, unit: 'px' } } } },
      'profile:healthcare',
      '44px',
    ],
    [
      'saas',
      '48px brand target',
      { size: { 'target-min': { $type: 'dimension', $value: { value: 48, unit: 'px' } } } },
      'brand:acme',
      '48px',
    ],
  ])('takes the largest minimum target whatever its layer (%s, %s)', (profile, _what, doc, winner, value) => {
    const theme = buildTheme(profile, 'crm', brand(doc));
    expect(theme.report.conflicts.find((c) => c.path === 'size.target-min')).toMatchObject({
      winner,
      value,
      rule: 'floor',
    });
  });

  it('never lets a brand lower the accessibility level or allow colour-only meaning', () => {
    const relaxed = {
      $extensions: { 'dev.buildrunner.design': { settings: { contrast: 'AA', colorAlone: 'allowed' } } },
    };
    const theme = buildTheme('healthcare', 'crm', brand(relaxed));
    expect(theme.settings).toMatchObject({ contrast: 'AAA', colorAlone: 'never' });
    expect(theme.report.conflicts.find((c) => c.path === 'settings.contrast')).toMatchObject({
      rule: 'strictest',
      value: 'AAA',
    });
  });

  it('raises a profile to AAA when the brand asks, and then every text pair reaches 7:1', () => {
    const theme = buildTheme(
      'saas',
      'crm',
      brand({ $extensions: { 'dev.buildrunner.design': { settings: { contrast: 'AAA' } } } }),
    );
    expect(theme.settings.contrast).toBe('AAA');
    for (const mode of ['light', 'dark'] as const) {
      for (const p of REQUIRED_PAIRS.filter((r) => r.kind === 'text')) {
        expect(contrast(theme.colors[mode][p.fg], theme.colors[mode][p.bg])).toBeGreaterThanOrEqual(7);
      }
    }
  });

  it('refuses a light value in dark mode and keeps the dark background dark', () => {
    const theme = buildTheme(
      'media',
      'content-platform',
      brand({ color: { dark: { background: { $type: 'color', $value: srgb(1, 1, 1) } } } }),
    );
    expect(theme.report.conflicts.find((c) => c.path === 'color.dark.background')).toMatchObject({
      rule: 'mode-guard',
    });
    expect(theme.colors.dark.background.l).toBeLessThan(0.3);
  });

  it('accepts a per-mode brand colour that fits its mode, with group-level $type', () => {
    const theme = buildTheme(
      'saas',
      'crm',
      brand({ color: { $type: 'color', light: { background: { $value: srgb(0.98, 0.97, 0.95) } } } }),
    );
    expect(theme.report.conflicts.some((c) => c.path === 'color.light.background')).toBe(false);
    expect(theme.colors.light.background.l).toBeGreaterThan(0.95);
  });

  it.each([
    [{ color: { primary: { $type: 'color', $value: srgb(0, 0, 1) } } }, /color\.light\.<name>/],
    [
      { palette: { primary: { $type: 'dimension', $value: { value: 4, unit: 'px' } } } },
      /must have \$type color/,
    ],
    [{ palette: { primary: { $value: srgb(0, 0, 1) } } }, /has no \$type/],
    [
      { spacing: { huge: { $type: 'dimension', $value: { value: 4, unit: 'px' } } } },
      /not one the theme reads/,
    ],
  ])('refuses a brand file the theme cannot use (%#)', (doc, message) => {
    expect(() => buildTheme('saas', 'crm', brand(doc))).toThrow(UserError);
    expect(() => buildTheme('saas', 'crm', brand(doc))).toThrow(message);
  });

  it('names the choices when a profile or pattern is unknown', () => {
    expect(() => buildTheme('banking', 'crm')).toThrow(
      /unknown profile "banking": choose one of healthcare, fintech/,
    );
    expect(() => buildTheme('saas', 'kanban')).toThrow(/unknown pattern "kanban".*br design pattern list/);
  });
});
