import fc from 'fast-check';
import { brandLayer } from '../../../lib/design/brand';
import { contrast } from '../../../lib/design/color';
import type { DtcgGroup } from '../../../lib/design/dtcg';
import { designFiles } from '../../../lib/design/emit';
import { patterns } from '../../../lib/design/patterns';
import { profiles } from '../../../lib/design/profiles';
import {
  MODES,
  REQUIRED_PAIRS,
  SEMANTIC,
  SURFACES,
  TEXTS,
  threshold,
  type Mode,
} from '../../../lib/design/semantic';
import { buildTheme } from '../../../lib/design/theme';

const SEEDS = [
  'primary',
  'accent',
  'neutral',
  'destructive',
  'chart-1',
  'chart-2',
  'chart-3',
  'chart-4',
  'chart-5',
];
const colour = fc.oneof(
  fc.record({
    colorSpace: fc.constant('srgb'),
    components: fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
  }),
  fc.record({
    colorSpace: fc.constant('oklch'),
    components: fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 0.37, noNaN: true }),
      fc.double({ min: 0, max: 359.99, noNaN: true }),
    ),
  }),
);
const token = colour.map(($value) => ({ $type: 'color', $value }));

/** A random brand file: palette seeds, per-mode semantic colours (some breaking their mode), settings. */
const brandDoc = fc.record(
  {
    palette: fc.dictionary(fc.constantFrom(...SEEDS), token, { maxKeys: 4 }),
    color: fc.record(
      {
        light: fc.dictionary(fc.constantFrom(...SEMANTIC), token, { maxKeys: 4 }),
        dark: fc.dictionary(fc.constantFrom(...SEMANTIC), token, { maxKeys: 4 }),
      },
      { requiredKeys: [] },
    ),
    $extensions: fc.record({
      'dev.buildrunner.design': fc.record({
        settings: fc.record({ contrast: fc.constantFrom('AA', 'AAA') }, { requiredKeys: [] }),
      }),
    }),
  },
  { requiredKeys: [] },
);
const input = fc.record({
  profile: fc.constantFrom(...profiles.map((p) => p.meta.id)),
  pattern: fc.constantFrom(...patterns.map((p) => p.meta.id)),
  brand: brandDoc,
});

const build = (i: { profile: string; pattern: string }, doc: object) =>
  buildTheme(i.profile, i.pattern, brandLayer(structuredClone(doc) as DtcgGroup, 'brand'));
const without = (doc: { color?: Record<string, unknown> }, mode: Mode) => ({
  ...doc,
  color: { ...doc.color, [mode]: {} },
});

describe('properties of the merge over random brand overrides', () => {
  it('never mixes modes: inputs for one mode never change the other, and surfaces keep their side', () => {
    fc.assert(
      fc.property(input, (i) => {
        const theme = build(i, i.brand);
        for (const mode of MODES) {
          const other: Mode = mode === 'light' ? 'dark' : 'light';
          expect(build(i, without(i.brand, other)).colors[mode]).toEqual(theme.colors[mode]);
          for (const s of SURFACES)
            expect(mode === 'light' ? theme.colors[mode][s].l >= 0.85 : theme.colors[mode][s].l <= 0.3).toBe(
              true,
            );
          for (const t of TEXTS) expect(theme.colors[mode][t].l >= 0.6).toBe(mode === 'dark');
        }
      }),
      { numRuns: 40, seed: 17 },
    );
  }, 120_000);

  it('never drops a required pair and every pair meets its threshold, in both modes', () => {
    fc.assert(
      fc.property(input, (i) => {
        const theme = build(i, i.brand);
        expect(theme.report.checks).toHaveLength(REQUIRED_PAIRS.length * 2);
        for (const mode of MODES) {
          for (const p of REQUIRED_PAIRS) {
            expect(contrast(theme.colors[mode][p.fg], theme.colors[mode][p.bg])).toBeGreaterThanOrEqual(
              threshold(p.kind, theme.settings.contrast),
            );
          }
        }
        const css = designFiles(theme).find((f) => f.path === 'theme.css')!.content;
        for (const block of [':root {', '.dark {']) {
          const body = css.slice(css.indexOf(block)).split('}')[0]!;
          for (const name of SEMANTIC) expect(body).toContain(`--${name}: oklch(`);
        }
      }),
      { numRuns: 60, seed: 42 },
    );
  }, 120_000);

  it('is deterministic: the same inputs give byte-identical files', () => {
    fc.assert(
      fc.property(input, (i) => {
        expect(designFiles(build(i, i.brand), { tailwind3: true })).toEqual(
          designFiles(build(i, i.brand), { tailwind3: true }),
        );
      }),
      { numRuns: 20, seed: 7 },
    );
  }, 120_000);
});
