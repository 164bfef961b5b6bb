import { pxOf } from '../dtcg';
import { SEMANTIC } from '../semantic';
import type { DesignTheme } from '../theme';
import { cssVariables, HEADER, rem, tokenMap, TYPE_STEPS } from './shared';

/** Tailwind 3 only (behind --tailwind3): a config reading the same variables, and their stylesheet. */
export function tailwind3Config(theme: DesignTheme): string {
  const t = tokenMap(theme);
  const vars = Object.fromEntries(cssVariables(theme).theme);
  const config = {
    darkMode: 'class',
    theme: {
      colors: {
        transparent: 'transparent',
        current: 'currentColor',
        ...Object.fromEntries(SEMANTIC.map((n) => [n, `var(--${n})`])),
      },
      extend: {
        fontFamily: {
          sans: vars['font-sans']!.split(', '),
          heading: vars['font-heading']!.split(', '),
          mono: vars['font-mono']!.split(', '),
        },
        fontSize: Object.fromEntries(TYPE_STEPS.map((s) => [s, rem(pxOf(t.get(`font.size.${s}`)!))])),
        borderRadius: {
          lg: 'var(--radius)',
          md: 'calc(var(--radius) - 2px)',
          sm: 'calc(var(--radius) - 4px)',
        },
        spacing: {
          target: 'var(--target-min)',
          'control-sm': 'var(--control-sm)',
          'control-md': 'var(--control-md)',
          'control-lg': 'var(--control-lg)',
        },
      },
    },
  };
  return `// ${HEADER(theme, 'tailwind.config.js')}\n// The variables come from design/variables.css.\nmodule.exports = ${JSON.stringify(config, null, 2)};\n`;
}

export function tailwind3Variables(theme: DesignTheme): string {
  const vars = cssVariables(theme);
  const lines = (list: [string, string][]) => list.map(([k, v]) => `  --${k}: ${v};`).join('\n');
  return `/* ${HEADER(theme, 'variables.css')} */\n:root {\n${lines(vars.light)}\n}\n.dark {\n${lines(vars.dark)}\n}\n`;
}
