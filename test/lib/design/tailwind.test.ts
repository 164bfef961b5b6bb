import { themeCss } from '../../../lib/design/emit/css';
import { patterns } from '../../../lib/design/patterns';
import { profiles } from '../../../lib/design/profiles';
import { SEMANTIC } from '../../../lib/design/semantic';
import { buildTheme } from '../../../lib/design/theme';
import { compileTailwind } from '../../helpers/design-specimen';

const SEMANTIC_UTILITIES = [
  ...SEMANTIC.map((n) => `bg-${n}`),
  ...SEMANTIC.map((n) => `text-${n}`),
  'border-border',
  'border-input',
  'ring-ring',
  'ring-sidebar-ring',
  'outline-ring',
  'dark:bg-card',
  'font-sans',
  'font-heading',
  'font-mono',
  'text-base',
  'text-4xl',
  'rounded-lg',
  'h-control-md',
  'min-h-target',
  'min-w-target',
  'gap-gutter',
];
const DEFAULT_PALETTE = [
  'bg-red-500',
  'text-blue-600',
  'bg-slate-100',
  'border-gray-200',
  'text-white',
  'bg-black',
  'ring-indigo-500',
];
const PALETTE_VARIABLE =
  /--color-(red|orange|amber|yellow|lime|green|emerald|teal|cyan|sky|blue|indigo|violet|purple|fuchsia|pink|rose|slate|gray|zinc|neutral|stone|black|white)\b/;

/** The class selector Tailwind writes for a candidate, e.g. `dark:bg-card` → `.dark\:bg-card`. */
const selector = (c: string) => `.${c.replace(/:/g, '\\:')}`;

describe('theme.css under Tailwind v4', () => {
  const combos = profiles.flatMap((p) => patterns.map((q) => [p.meta.id, q.meta.id] as const));

  it('compiles for all 64 combinations with every semantic utility and no default palette', async () => {
    const problems: string[] = [];
    for (const [p, q] of combos) {
      const css = `@import "tailwindcss";\n${themeCss(buildTheme(p, q))}`;
      const out = await compileTailwind(css, [...SEMANTIC_UTILITIES, ...DEFAULT_PALETTE]);
      for (const u of SEMANTIC_UTILITIES)
        if (!out.includes(`${selector(u)} {`) && !out.includes(`${selector(u)}:`))
          problems.push(`${p}-${q}: no ${u}`);
      for (const u of DEFAULT_PALETTE)
        if (out.includes(selector(u))) problems.push(`${p}-${q}: default palette ${u} leaks`);
      if (PALETTE_VARIABLE.test(out)) problems.push(`${p}-${q}: a default palette variable is defined`);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('detects a leak when the palette reset is removed (the check can fail)', async () => {
    const css = `@import "tailwindcss";\n${themeCss(buildTheme('saas', 'crm')).replace('--color-*: initial;', '')}`;
    const out = await compileTailwind(css, ['bg-red-500']);
    expect(out).toContain(selector('bg-red-500'));
    expect(out).toMatch(PALETTE_VARIABLE);
  });

  it('maps the semantic utilities to the variables that switch with .dark', async () => {
    const out = await compileTailwind(
      `@import "tailwindcss";\n${themeCss(buildTheme('fintech', 'dashboard'))}`,
      ['bg-primary', 'ring-ring'],
    );
    expect(out).toMatch(/\.bg-primary \{\s*background-color: var\(--primary\);/);
    expect(out).toMatch(/\.dark \{[^}]*--primary: oklch\(/);
  });
});
