import { gamutChroma, oklch, type Oklch } from './color';
import type { ContrastLevel } from './layers';

export type Mode = 'light' | 'dark';
export const MODES: Mode[] = ['light', 'dark'];

/** shadcn/ui's semantic colour names, in the order the outputs print them. */
export const SEMANTIC = [
  'background',
  'foreground',
  'card',
  'card-foreground',
  'popover',
  'popover-foreground',
  'primary',
  'primary-foreground',
  'secondary',
  'secondary-foreground',
  'muted',
  'muted-foreground',
  'accent',
  'accent-foreground',
  'destructive',
  'destructive-foreground',
  'border',
  'input',
  'ring',
  'chart-1',
  'chart-2',
  'chart-3',
  'chart-4',
  'chart-5',
  'sidebar',
  'sidebar-foreground',
  'sidebar-primary',
  'sidebar-primary-foreground',
  'sidebar-accent',
  'sidebar-accent-foreground',
  'sidebar-border',
  'sidebar-ring',
] as const;
export type SemanticName = (typeof SEMANTIC)[number];

export const SURFACES: SemanticName[] = ['background', 'card', 'popover', 'secondary', 'muted', 'sidebar'];
export const TEXTS: SemanticName[] = [
  'foreground',
  'card-foreground',
  'popover-foreground',
  'sidebar-foreground',
];

export type PairKind = 'text' | 'large-text' | 'boundary';

/**
 * A colour pair the theme promises. `adjust` names the side that the repair moves: the brand side
 * stays recognisable by keeping its hue and chroma, only its lightness moves.
 */
export interface RequiredPair {
  fg: SemanticName;
  bg: SemanticName;
  kind: PairKind;
  adjust: 'fg' | 'bg';
  use: string;
}

const text = (fg: SemanticName, bg: SemanticName, use: string, adjust: 'fg' | 'bg' = 'fg'): RequiredPair => ({
  fg,
  bg,
  kind: 'text',
  adjust,
  use,
});

export const REQUIRED_PAIRS: RequiredPair[] = [
  text('foreground', 'background', 'body text'),
  text('card-foreground', 'card', 'text in cards'),
  text('popover-foreground', 'popover', 'text in menus and popovers'),
  text('primary-foreground', 'primary', 'label of a primary button', 'bg'),
  text('primary', 'background', 'links and primary text'),
  text('primary', 'card', 'links inside cards'),
  text('secondary-foreground', 'secondary', 'label of a secondary button'),
  text('muted-foreground', 'muted', 'secondary text on muted panels'),
  text('muted-foreground', 'background', 'captions and help text'),
  text('muted-foreground', 'card', 'captions inside cards'),
  text('accent-foreground', 'accent', 'hovered and selected items'),
  text('destructive-foreground', 'destructive', 'label of a destructive button', 'bg'),
  text('destructive', 'background', 'error messages'),
  text('destructive', 'card', 'error messages inside cards'),
  text('sidebar-foreground', 'sidebar', 'sidebar items'),
  text('sidebar-primary-foreground', 'sidebar-primary', 'the current sidebar item', 'bg'),
  text('sidebar-accent-foreground', 'sidebar-accent', 'hovered sidebar item'),
  ...(['chart-1', 'chart-2', 'chart-3', 'chart-4', 'chart-5'] as const).map((c): RequiredPair => ({
    fg: c,
    bg: 'card',
    kind: 'large-text',
    adjust: 'fg',
    use: 'KPI figures and chart marks on cards',
  })),
  { fg: 'input', bg: 'background', kind: 'boundary', adjust: 'fg', use: 'border of form controls' },
  { fg: 'input', bg: 'card', kind: 'boundary', adjust: 'fg', use: 'border of form controls in cards' },
  { fg: 'ring', bg: 'background', kind: 'boundary', adjust: 'fg', use: 'focus ring' },
  { fg: 'ring', bg: 'card', kind: 'boundary', adjust: 'fg', use: 'focus ring inside cards' },
  { fg: 'sidebar-ring', bg: 'sidebar', kind: 'boundary', adjust: 'fg', use: 'focus ring in the sidebar' },
];

/** WCAG 2.x thresholds: AA 4.5 / 3, AAA 7 / 4.5; non-text boundaries have no AAA level (3:1). */
export function threshold(kind: PairKind, level: ContrastLevel): number {
  if (kind === 'boundary') return 3;
  if (kind === 'large-text') return level === 'AAA' ? 4.5 : 3;
  return level === 'AAA' ? 7 : 4.5;
}

export interface Palette {
  primary: Oklch;
  accent: Oklch;
  neutral: Oklch;
  destructive: Oklch;
  chart: Oklch[];
}

/** A colour at a new lightness, keeping hue and as much chroma as sRGB allows there. */
function at(seed: Oklch, l: number, c = seed.c): Oklch {
  return oklch(l, gamutChroma(l, c, seed.h), seed.h);
}

/**
 * The starting point of each mode, built only from mode-neutral palette seeds: a light mode is
 * light surfaces with dark text and a dark mode the reverse, so no value crosses modes.
 */
export function deriveMode(mode: Mode, p: Palette): Record<SemanticName, Oklch> {
  const n = (l: number, c = p.neutral.c) => at(p.neutral, l, Math.min(c, 0.03));
  const light = mode === 'light';
  // Brand seeds are used as given; the contrast repair moves them and reports each move.
  const primary = at(p.primary, p.primary.l);
  const onPrimary = light ? n(0.985, 0.005) : at(p.primary, 0.2, 0.04);
  const destructive = light ? at(p.destructive, 0.52) : at(p.destructive, 0.72);
  const onDestructive = light ? n(0.985, 0.005) : at(p.destructive, 0.2, 0.04);
  const surfaces = light
    ? { background: n(0.985), card: n(1, 0), secondary: n(0.95), muted: n(0.955), sidebar: n(0.97) }
    : { background: n(0.17), card: n(0.21), secondary: n(0.27), muted: n(0.26), sidebar: n(0.2) };
  const fg = light ? n(0.2) : n(0.96);
  const chart = p.chart.map((c) => at(c, c.l));
  const values: Record<SemanticName, Oklch> = {
    background: surfaces.background,
    foreground: fg,
    card: surfaces.card,
    'card-foreground': fg,
    popover: surfaces.card,
    'popover-foreground': fg,
    primary,
    'primary-foreground': onPrimary,
    secondary: surfaces.secondary,
    'secondary-foreground': light ? n(0.25) : n(0.96),
    muted: surfaces.muted,
    'muted-foreground': light ? n(0.5) : n(0.72),
    accent: light ? at(p.accent, 0.94, p.accent.c * 0.3) : at(p.accent, 0.3, p.accent.c * 0.4),
    'accent-foreground': light ? at(p.accent, 0.3, p.accent.c * 0.5) : at(p.accent, 0.95, 0.02),
    destructive,
    'destructive-foreground': onDestructive,
    border: light ? n(0.9) : n(0.32),
    input: light ? n(0.62) : n(0.55),
    ring: primary,
    'chart-1': chart[0]!,
    'chart-2': chart[1]!,
    'chart-3': chart[2]!,
    'chart-4': chart[3]!,
    'chart-5': chart[4]!,
    sidebar: surfaces.sidebar,
    'sidebar-foreground': fg,
    'sidebar-primary': primary,
    'sidebar-primary-foreground': onPrimary,
    'sidebar-accent': light ? n(0.92) : n(0.28),
    'sidebar-accent-foreground': light ? n(0.2) : n(0.96),
    'sidebar-border': light ? n(0.9) : n(0.32),
    'sidebar-ring': primary,
  };
  return values;
}
