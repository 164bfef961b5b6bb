import Color from 'colorjs.io';
import { designFiles } from '../../../lib/design/emit';
import { patterns } from '../../../lib/design/patterns';
import { profiles } from '../../../lib/design/profiles';
import { REQUIRED_PAIRS, SEMANTIC } from '../../../lib/design/semantic';
import { buildTheme } from '../../../lib/design/theme';
import { validateDtcg } from '../../../services/design-validate';

const combos = profiles.flatMap((p) => patterns.map((q) => [p.meta.id, q.meta.id] as const));

/** Reads `--name: value;` from one block of the emitted theme.css. */
function variables(css: string, selector: ':root' | '.dark'): Map<string, string> {
  const block = css.slice(css.indexOf(`\n${selector} {`)).split('}')[0]!;
  return new Map([...block.matchAll(/--([\w-]+): ([^;]+);/g)].map((m) => [m[1]!, m[2]!]));
}

/** WCAG 2.x contrast of two CSS colours as painted: sRGB, clipped, 8 bits per channel. */
function wcag(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = new Color(css).to('srgb').coords.map((v) => {
      const c = Math.round(Math.min(1, Math.max(0, v ?? 0)) * 255) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

describe('the 128-theme accessibility gate', () => {
  const themes = combos.map(([p, q]) => {
    const theme = buildTheme(p, q);
    return { theme, files: designFiles(theme) };
  });

  it('meets every required pair in both modes of all 64 combinations, recomputed from theme.css', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { theme, files } of themes) {
      const css = files.find((f) => f.path === 'theme.css')!.content;
      const aaa = theme.settings.contrast === 'AAA';
      for (const mode of [':root', '.dark'] as const) {
        const vars = variables(css, mode);
        for (const name of SEMANTIC) expect(vars.has(name)).toBe(true);
        for (const pair of REQUIRED_PAIRS) {
          const min =
            pair.kind === 'boundary' ? 3 : pair.kind === 'large-text' ? (aaa ? 4.5 : 3) : aaa ? 7 : 4.5;
          const ratio = wcag(vars.get(pair.fg)!, vars.get(pair.bg)!);
          checked += 1;
          if (!(ratio >= min))
            failures.push(`${theme.id} ${mode} ${pair.fg} on ${pair.bg}: ${ratio} < ${min}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(64 * 2 * REQUIRED_PAIRS.length);
  });

  it('keeps every interactive size at or above 24px and the profile minimum target', () => {
    for (const { theme, files } of themes) {
      const vars = variables(files.find((f) => f.path === 'theme.css')!.content, ':root');
      const px = (name: string) => Number(vars.get(name)!.replace('px', ''));
      const target = px('target-min');
      expect(target).toBeGreaterThanOrEqual(theme.profile.id === 'healthcare' ? 44 : 24);
      for (const size of ['control-sm', 'control-md', 'control-lg'])
        expect(px(size)).toBeGreaterThanOrEqual(target);
    }
  });

  it('repairs the profiles that need it and records each repair with before and after', () => {
    const repairs = themes.flatMap((t) => t.theme.report.repairs);
    expect(repairs.length).toBeGreaterThan(0);
    for (const r of repairs) {
      expect(r.after.ratio).toBeGreaterThanOrEqual(r.threshold);
      expect(r.before.hex).not.toBe(r.after.hex);
      if (r.method === 'lightness') {
        const [before, after] = [new Color(r.before.oklch), new Color(r.after.oklch)];
        expect(after.coords[1]).toBeCloseTo(before.coords[1]!, 4);
        expect(after.coords[2]).toBeCloseTo(before.coords[2]!, 2);
      }
    }
  });

  it('writes byte-identical files for the same inputs', () => {
    for (const [p, q] of combos.slice(0, 8)) {
      expect(designFiles(buildTheme(p, q), { tailwind3: true })).toEqual(
        designFiles(buildTheme(p, q), { tailwind3: true }),
      );
    }
  });

  it('produces DTCG documents that @terrazzo/parser accepts: 8 profiles, 8 patterns, 64 merged themes', async () => {
    const docs = [
      ...[...profiles, ...patterns].map((l) => ({
        name: `${l.meta.kind}-${l.meta.id}.tokens.json`,
        json: JSON.stringify(l.document),
      })),
      ...themes.map(({ theme, files }) => ({
        name: `${theme.id}.tokens.json`,
        json: files.find((f) => f.path === 'design.tokens.json')!.content,
      })),
    ];
    const results = await validateDtcg(docs);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(80);
    // Every merged theme carries both modes of every semantic colour plus type, size and palette tokens.
    for (const r of results.slice(16)) expect(r.tokens).toBeGreaterThanOrEqual(SEMANTIC.length * 2 + 20);
  }, 120_000);

  it('rejects a malformed DTCG document through the same parser', async () => {
    const [result] = await validateDtcg([
      {
        name: 'bad.tokens.json',
        json: JSON.stringify({ a: { $type: 'color', $value: { colorSpace: 'oklch', components: [1] } } }),
      },
    ]);
    expect(result).toMatchObject({ ok: false });
    expect(result!.errors).toMatch(/valid-color/);
  });
});
