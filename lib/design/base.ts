import { oklch } from './color';
import {
  densityTokens,
  fontTokens,
  layer,
  paletteTokens,
  radius,
  targetMin,
  typeScale,
  type DesignLayer,
} from './layers';

const SANS = ['Inter', 'ui-sans-serif', 'system-ui', 'sans-serif'];
const MONO = ['JetBrains Mono', 'ui-monospace', 'SFMono-Regular', 'monospace'];

/** The lowest layer: every token a theme needs, so no profile or pattern can leave a hole. */
export const base: DesignLayer = layer(
  {
    id: 'base',
    kind: 'base',
    title: 'Base',
    summary:
      'Neutral defaults under every profile and pattern: WCAG 2.2 AA, comfortable density, light by default.',
    law: {
      name: 'WCAG 2.2',
      requires: 'level AA: text 4.5:1, large text and control boundaries 3:1, targets 24px',
    },
    settings: {
      contrast: 'AA',
      density: 'comfortable',
      colorAlone: 'allowed',
      defaultMode: 'light',
      tone: 'neutral',
    },
    guidance: {
      do: [
        'Use the semantic utilities (bg-background, text-foreground, bg-primary, border-input, ring-ring); never raw colours.',
        'Pair every surface with its foreground: bg-card with text-card-foreground, bg-primary with text-primary-foreground.',
        'Show keyboard focus with ring-ring (focus-visible:ring-2) on every interactive element.',
        'Keep every clickable target at least size.target-min tall and wide.',
      ],
      dont: [
        'Do not use Tailwind palette classes (bg-blue-500, text-gray-400): the theme removes them on purpose.',
        'Do not put text-muted-foreground on bg-primary or any pair the contrast table does not list.',
        'Do not mix light and dark values: dark mode comes only from the .dark class.',
      ],
    },
  },
  [
    ...paletteTokens({
      primary: oklch(0.5, 0.14, 260),
      accent: oklch(0.6, 0.1, 260),
      neutral: { h: 260, c: 0.01 },
      chart: [
        oklch(0.55, 0.16, 255),
        oklch(0.6, 0.13, 160),
        oklch(0.65, 0.15, 70),
        oklch(0.55, 0.18, 20),
        oklch(0.55, 0.15, 300),
      ],
      destructive: oklch(0.55, 0.2, 27),
    }),
    ...typeScale(16, 1.2),
    ...fontTokens(SANS, SANS, MONO),
    ...densityTokens('comfortable'),
    targetMin(24, 'WCAG 2.2 SC 2.5.8 target size (minimum)'),
    radius(8),
  ],
);
