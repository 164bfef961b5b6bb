/**
 * How a design profile is written: a palette intent, a type scale, a target size and a radius,
 * turned into the layer's tokens. The profiles themselves are in profiles.ts.
 */
import { oklch, type Oklch } from './color';
import {
  densityTokens,
  fontTokens,
  layer,
  paletteTokens,
  radius,
  targetMin,
  typeScale,
  type DesignLayer,
  type LayerMeta,
  type PaletteIntent,
} from './layers';

export interface ProfileSpec {
  meta: Omit<LayerMeta, 'kind'>;
  palette: PaletteIntent;
  type: { base: number; ratio: number; heading?: string[] };
  target: number;
  radius: number;
}

const SANS = ['Inter', 'ui-sans-serif', 'system-ui', 'sans-serif'];
export const SERIF = ['Source Serif 4', 'Georgia', 'ui-serif', 'serif'];
const MONO = ['JetBrains Mono', 'ui-monospace', 'SFMono-Regular', 'monospace'];

export const charts = (hues: number[], l = 0.6, c = 0.14): PaletteIntent['chart'] =>
  hues.map((h) => oklch(l, c, h)) as PaletteIntent['chart'];
export const EAA = {
  name: 'European Accessibility Act (Directive (EU) 2019/882), via EN 301 549',
  requires: 'WCAG 2.1 AA for the covered consumer service since 28 June 2025',
};

export function profile(spec: ProfileSpec): DesignLayer {
  return layer({ ...spec.meta, kind: 'profile' }, [
    ...paletteTokens(spec.palette),
    ...typeScale(spec.type.base, spec.type.ratio),
    ...fontTokens(SANS, spec.type.heading ?? SANS, MONO),
    ...densityTokens(spec.meta.settings.density ?? 'comfortable'),
    targetMin(
      spec.target,
      spec.target > 24 ? 'touch-first users: WCAG 2.5.5 enhanced target size' : 'WCAG 2.5.8',
    ),
    radius(spec.radius),
  ]);
}

export const seed = (l: number, c: number, h: number): Oklch => oklch(l, c, h);
