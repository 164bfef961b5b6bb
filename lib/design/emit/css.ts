import { pxOf } from '../dtcg';
import { SEMANTIC } from '../semantic';
import type { DesignTheme } from '../theme';
import { cssVariables, HEADER, rem, tokenMap, TYPE_STEPS } from './shared';

const block = (selector: string, lines: string[]) =>
  `${selector} {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`;

/**
 * Tailwind v4 theme: `@theme` clears the default palette (so only semantic colours exist) and maps
 * every shadcn/ui variable to a utility; `:root` holds light values, `.dark` dark ones.
 */
export function themeCss(theme: DesignTheme): string {
  const t = tokenMap(theme);
  const vars = cssVariables(theme);
  const themeBlock = [
    '--color-*: initial;',
    ...vars.theme.map(([k, v]) => `--${k}: ${v};`),
    ...TYPE_STEPS.map((s) => `--text-${s}: ${rem(pxOf(t.get(`font.size.${s}`)!))};`),
    `--spacing: ${rem(pxOf(t.get('space.unit')!))};`,
  ];
  const inline = [
    ...SEMANTIC.map((n) => `--color-${n}: var(--${n});`),
    '--radius-sm: calc(var(--radius) - 4px);',
    '--radius-md: calc(var(--radius) - 2px);',
    '--radius-lg: var(--radius);',
    '--radius-xl: calc(var(--radius) + 4px);',
    '--spacing-target: var(--target-min);',
    '--spacing-control-sm: var(--control-sm);',
    '--spacing-control-md: var(--control-md);',
    '--spacing-control-lg: var(--control-lg);',
    '--spacing-gutter: var(--gutter);',
  ];
  return [
    `/* ${HEADER(theme, 'theme.css')} */`,
    '@custom-variant dark (&:is(.dark *));\n',
    block('@theme', themeBlock),
    block('@theme inline', inline),
    block(':root', ['color-scheme: light;', ...vars.light.map(([k, v]) => `--${k}: ${v};`)]),
    block('.dark', ['color-scheme: dark;', ...vars.dark.map(([k, v]) => `--${k}: ${v};`)]),
  ].join('\n');
}
