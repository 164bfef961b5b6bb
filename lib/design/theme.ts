import { UserError } from '../errors';
import { gamutChroma, quantize, type Oklch } from './color';
import { repairMode, type PairCheck, type Repair } from './contrast';
import { colorOf, colorToken, EXTENSION, px, pxOf, unflatten, type DtcgGroup, type FlatToken } from './dtcg';
import { base } from './base';
import { metaOf, type DesignLayer, type LayerMeta } from './layers';
import { mergeLayers, type Conflict, type MergedLayers } from './merge';
import { patterns } from './patterns';
import { profiles } from './profiles';
import { deriveMode, MODES, SEMANTIC, type Mode, type SemanticName } from './semantic';

export interface SizeRepair {
  token: string;
  before: number;
  after: number;
  rule: string;
}

export interface DesignReport {
  conflicts: Conflict[];
  repairs: Repair[];
  sizes: SizeRepair[];
  checks: PairCheck[];
}

export interface DesignTheme {
  id: string;
  profile: LayerMeta;
  pattern: LayerMeta;
  brand: string | null;
  settings: { [K in keyof MergedLayers['settings']]: MergedLayers['settings'][K]['value'] };
  components: string[];
  guidance: { do: string[]; dont: string[] };
  colors: Record<Mode, Record<SemanticName, Oklch>>;
  tokens: FlatToken[];
  document: DtcgGroup;
  report: DesignReport;
}

function pick(list: DesignLayer[], id: string, what: string): DesignLayer {
  const found = list.find((l) => l.meta.id === id);
  if (!found) {
    throw new UserError(
      `unknown ${what} "${id}": choose one of ${list.map((l) => l.meta.id).join(', ')} (br design ${what} list)`,
    );
  }
  return found;
}

export const findProfile = (id: string) => pick(profiles, id, 'profile');
export const findPattern = (id: string) => pick(patterns, id, 'pattern');

/** A user's brand file: a DTCG document, optionally with settings in $extensions. */
export function brandLayer(document: DtcgGroup, name: string): DesignLayer {
  const given = document.$extensions?.[EXTENSION] as Partial<LayerMeta> | undefined;
  const meta: LayerMeta = {
    id: name,
    kind: 'brand',
    title: given?.title ?? name,
    summary: given?.summary ?? 'brand overrides',
    settings: given?.settings ?? {},
    guidance: given?.guidance ?? { do: [], dont: [] },
  };
  return { meta, document: { ...document, $extensions: { ...document.$extensions, [EXTENSION]: meta } } };
}

function inGamut(c: Oklch): Oklch {
  return quantize({ l: c.l, c: gamutChroma(c.l, c.c, c.h), h: c.h });
}

/** Interactive sizes never go under the merged minimum target (itself never under 24px). */
function sizeFloors(tokens: MergedLayers['tokens']): SizeRepair[] {
  const repairs: SizeRepair[] = [];
  const target = tokens.get('size.target-min')!;
  if (pxOf(target.value) < 24) {
    repairs.push({
      token: 'size.target-min',
      before: pxOf(target.value),
      after: 24,
      rule: 'WCAG 2.5.8: 24px minimum',
    });
    tokens.set('size.target-min', { value: px(24, target.value.$description), source: target.source });
  }
  const floor = pxOf(tokens.get('size.target-min')!.value);
  for (const [path, entry] of tokens) {
    if (!path.startsWith('size.control.') || pxOf(entry.value) >= floor) continue;
    repairs.push({
      token: path,
      before: pxOf(entry.value),
      after: floor,
      rule: `raised to size.target-min (${floor}px)`,
    });
    tokens.set(path, { value: px(floor, entry.value.$description), source: entry.source });
  }
  return repairs;
}

export function buildTheme(profileId: string, patternId: string, brand?: DesignLayer): DesignTheme {
  const profile = findProfile(profileId);
  const pattern = findPattern(patternId);
  const layers = [base, profile, pattern, ...(brand ? [brand] : [])];
  const merged = mergeLayers(layers);
  const sizes = sizeFloors(merged.tokens);
  const seed = (name: string) => inGamut(colorOf(merged.tokens.get(`palette.${name}`)!.value));
  const palette = {
    primary: seed('primary'),
    accent: seed('accent'),
    neutral: seed('neutral'),
    destructive: seed('destructive'),
    chart: [1, 2, 3, 4, 5].map((i) => seed(`chart-${i}`)),
  };
  const level = merged.settings.contrast.value;
  const colors = {} as DesignTheme['colors'];
  const repairs: Repair[] = [];
  const checks: PairCheck[] = [];
  for (const mode of MODES) {
    const start = deriveMode(mode, palette);
    for (const name of SEMANTIC) {
      const given = merged.tokens.get(`color.${mode}.${name}`);
      if (given) start[name] = inGamut(colorOf(given.value));
    }
    const result = repairMode(mode, start, level);
    colors[mode] = result.colors;
    repairs.push(...result.repairs);
    checks.push(...result.checks);
  }

  const tokens: FlatToken[] = [...merged.tokens.entries()]
    .filter(([path]) => !path.startsWith('color.'))
    .map(([path, entry]) => ({ path, token: entry.value }));
  for (const mode of MODES) {
    for (const name of SEMANTIC) {
      tokens.push({ path: `color.${mode}.${name}`, token: colorToken(colors[mode][name]) });
    }
  }
  const settings = Object.fromEntries(
    Object.entries(merged.settings).map(([k, v]) => [k, v.value]),
  ) as DesignTheme['settings'];
  const metas = layers.map((l) => metaOf(l.document));
  const id = `${profile.meta.id}-${pattern.meta.id}`;
  const document = unflatten(tokens, {
    $description: `${profile.meta.title} × ${pattern.meta.title}${brand ? ` with ${brand.meta.id}` : ''}: generated by br design generate`,
    $extensions: {
      [EXTENSION]: {
        profile: profile.meta.id,
        pattern: pattern.meta.id,
        brand: brand?.meta.id ?? null,
        settings,
      },
    },
  });
  return {
    id,
    profile: profile.meta,
    pattern: pattern.meta,
    brand: brand?.meta.id ?? null,
    settings,
    components: [...new Set(metas.flatMap((m) => m.components ?? []))],
    guidance: { do: metas.flatMap((m) => m.guidance.do), dont: metas.flatMap((m) => m.guidance.dont) },
    colors,
    tokens,
    document,
    report: { conflicts: merged.conflicts, repairs, sizes, checks },
  };
}
