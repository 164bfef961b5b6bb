import { oklch, type Oklch } from './color';
import { colorToken, EXTENSION, px, unflatten, type DtcgGroup, type DtcgToken, type FlatToken } from './dtcg';

export type LayerKind = 'base' | 'profile' | 'pattern' | 'brand';
export type Density = 'compact' | 'comfortable' | 'spacious';
export type ContrastLevel = 'AA' | 'AAA';

/** Settings that are not tokens; merged with the same precedence and reported the same way. */
export interface DesignSettings {
  contrast?: ContrastLevel;
  density?: Density;
  /** `never`: state, gain/loss and status always carry text or an icon besides colour. */
  colorAlone?: 'allowed' | 'never';
  defaultMode?: 'light' | 'dark';
  tone?: string;
  layout?: string;
  navigation?: string;
  dataDisplay?: string;
}

export interface LayerMeta {
  id: string;
  kind: LayerKind;
  title: string;
  summary: string;
  /** The accessibility baseline and what imposes it. */
  law?: { name: string; requires: string };
  settings: DesignSettings;
  components?: string[];
  guidance: { do: string[]; dont: string[] };
}

export interface DesignLayer {
  meta: LayerMeta;
  document: DtcgGroup;
}

export function metaOf(document: DtcgGroup): LayerMeta {
  const meta = document.$extensions?.[EXTENSION] as LayerMeta | undefined;
  if (!meta) throw new Error(`the document has no $extensions["${EXTENSION}"]`);
  return meta;
}

export function layer(meta: LayerMeta, tokens: FlatToken[]): DesignLayer {
  const document = unflatten(tokens, { $description: meta.summary, $extensions: { [EXTENSION]: meta } });
  return { meta, document };
}

export interface PaletteIntent {
  primary: Oklch;
  accent: Oklch;
  /** Hue and chroma of the greys; lightness is set per mode. */
  neutral: { h: number; c: number };
  chart: [Oklch, Oklch, Oklch, Oklch, Oklch];
  destructive?: Oklch;
}

export function paletteTokens(p: PaletteIntent): FlatToken[] {
  const t = (path: string, token: DtcgToken) => ({ path: `palette.${path}`, token });
  return [
    t('primary', colorToken(p.primary, 'brand colour: primary actions, links, focus')),
    t('accent', colorToken(p.accent, 'tint for hover, selection and highlights')),
    t('neutral', colorToken(oklch(0.5, p.neutral.c, p.neutral.h), 'hue and chroma of the greys')),
    ...p.chart.map((c, i) => t(`chart-${i + 1}`, colorToken(c, `data series ${i + 1}`))),
    ...(p.destructive ? [t('destructive', colorToken(p.destructive, 'errors and destructive actions'))] : []),
  ];
}

const DENSITY: Record<Density, { sm: number; md: number; lg: number; unit: number; gutter: number }> = {
  compact: { sm: 28, md: 32, lg: 36, unit: 4, gutter: 16 },
  comfortable: { sm: 32, md: 36, lg: 40, unit: 4, gutter: 24 },
  spacious: { sm: 36, md: 40, lg: 48, unit: 4, gutter: 32 },
};

export function densityTokens(density: Density): FlatToken[] {
  const d = DENSITY[density];
  return [
    { path: 'size.control.sm', token: px(d.sm, `small control height (${density})`) },
    { path: 'size.control.md', token: px(d.md, `default control height (${density})`) },
    { path: 'size.control.lg', token: px(d.lg, `large control height (${density})`) },
    { path: 'space.unit', token: px(d.unit, 'spacing step: every margin and gap is a multiple') },
    { path: 'space.gutter', token: px(d.gutter, `gap between panels (${density})`) },
  ];
}

/** A modular type scale rounded to whole pixels. */
export function typeScale(base: number, ratio: number): FlatToken[] {
  const steps: [string, number][] = [
    ['xs', -2],
    ['sm', -1],
    ['base', 0],
    ['lg', 1],
    ['xl', 2],
    ['2xl', 3],
    ['3xl', 4],
    ['4xl', 5],
  ];
  return steps.map(([name, n]) => ({
    path: `font.size.${name}`,
    token: px(Math.max(12, Math.round(base * ratio ** n)), `type scale ${ratio} from ${base}px`),
  }));
}

export function fontTokens(sans: string[], heading: string[], mono: string[]): FlatToken[] {
  return [
    { path: 'font.family.sans', token: { $type: 'fontFamily', $value: sans } },
    { path: 'font.family.heading', token: { $type: 'fontFamily', $value: heading } },
    { path: 'font.family.mono', token: { $type: 'fontFamily', $value: mono } },
  ];
}

export function targetMin(value: number, why: string): FlatToken {
  return { path: 'size.target-min', token: px(value, why) };
}

export function radius(value: number): FlatToken {
  return { path: 'radius.base', token: px(value, 'corner radius of cards and controls') };
}
