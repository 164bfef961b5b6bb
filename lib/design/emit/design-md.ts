import { contrast, toHex } from '../color';
import { describeValue } from '../dtcg';
import { REQUIRED_PAIRS, SEMANTIC, threshold, type SemanticName } from '../semantic';
import type { DesignTheme } from '../theme';
import { HEADER, tokenMap, TYPE_STEPS } from './shared';

const USE: Partial<Record<SemanticName, string>> = {
  background: 'page background',
  foreground: 'body text on the page',
  card: 'cards and panels',
  popover: 'menus, popovers, tooltips',
  primary: 'the one main action per view, links, the current item',
  secondary: 'secondary buttons and quiet controls',
  muted: 'subdued panels, table headers, disabled-looking areas',
  'muted-foreground': 'captions, help text, placeholders',
  accent: 'hover and selected rows and menu items',
  destructive: 'errors and destructive actions (delete, revoke)',
  border: 'dividers and card outlines (decorative, no contrast promise)',
  input: 'the border of inputs, selects, checkboxes (3:1 against the page)',
  ring: 'keyboard focus ring (focus-visible:ring-2 ring-ring)',
  sidebar: 'the sidebar surface',
  'sidebar-primary': 'the current page in the sidebar',
  'sidebar-accent': 'a hovered sidebar item',
  'sidebar-border': 'the line between sidebar and page (decorative)',
  'sidebar-ring': 'keyboard focus ring inside the sidebar',
};

/** Ratios are shown truncated, never rounded up: 4.499 prints as 4.49. */
const ratio = (r: number) => (Math.floor(r * 100) / 100).toFixed(2);

/** The design rules in words, for the coding agent and for people. */
export function designMd(theme: DesignTheme): string {
  const t = tokenMap(theme);
  const s = theme.settings;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(
    `# Design system: ${theme.profile.title} × ${theme.pattern.title}`,
    '',
    `<!-- ${HEADER(theme, 'DESIGN.md')} -->`,
    '',
  );
  push(`${theme.profile.summary} ${theme.pattern.summary}`, '');
  push('## Follow these rules', '');
  push(
    '- Style only with the semantic utilities generated in `theme.css` (`bg-background`, `text-foreground`, `bg-primary text-primary-foreground`, `border-input`, `ring-ring`, `bg-sidebar`, `text-chart-1`, …). The default Tailwind palette is switched off: `bg-blue-500` produces nothing.',
    `- Tone: ${s.tone}. Density: ${s.density}. Default mode: ${s.defaultMode} (dark mode is the \`dark\` class on \`<html>\`).`,
    `- Accessibility: ${s.contrast === 'AAA' ? 'WCAG AAA text contrast (7:1, large text 4.5:1)' : 'WCAG AA (text 4.5:1, large text 3:1)'}; control and focus boundaries 3:1; every target at least ${describeValue(t.get('size.target-min')!)} (\`min-h-target min-w-target\`).`,
  );
  if (theme.profile.law) push(`- Why: ${theme.profile.law.name}: ${theme.profile.law.requires}.`);
  if (s.colorAlone === 'never')
    push(
      '- Never convey meaning by colour alone: add text, a sign or an icon to every status, change or result.',
    );
  push(
    '',
    '### Do',
    '',
    ...theme.guidance.do.map((d) => `- ${d}`),
    '',
    "### Don't",
    '',
    ...theme.guidance.dont.map((d) => `- ${d}`),
    '',
  );
  push(
    '## Layout',
    '',
    `- Layout: ${s.layout}`,
    `- Navigation: ${s.navigation}`,
    `- Data display: ${s.dataDisplay}`,
  );
  if (theme.components.length) push(`- Components (shadcn/ui): ${theme.components.join(', ')}`);
  push('', '## Colours', '', '| token | use | light | dark |', '|---|---|---|---|');
  for (const name of SEMANTIC) {
    const use =
      USE[name] ??
      (name.startsWith('chart-')
        ? 'data series, and KPI figures at 24px or larger'
        : `text on ${name.replace(/-foreground$/, '')}`);
    push(
      `| \`${name}\` | ${use} | \`${toHex(theme.colors.light[name])}\` | \`${toHex(theme.colors.dark[name])}\` |`,
    );
  }
  push(
    '',
    '## Colour pairs you may use',
    '',
    'Each pair is checked in both modes; the ratio shown is the lower of the two.',
    '',
  );
  push('| text / mark | on | for | minimum | light | dark |', '|---|---|---|---|---|---|');
  for (const p of REQUIRED_PAIRS) {
    const l = contrast(theme.colors.light[p.fg], theme.colors.light[p.bg]);
    const d = contrast(theme.colors.dark[p.fg], theme.colors.dark[p.bg]);
    push(
      `| \`${p.fg}\` | \`${p.bg}\` | ${p.use} | ${threshold(p.kind, s.contrast)}:1 | ${ratio(l)} | ${ratio(d)} |`,
    );
  }
  push('', '## Type, spacing, sizes', '');
  push(
    `- Fonts: sans \`${(t.get('font.family.sans')!.$value as string[])[0]}\`, headings \`${(t.get('font.family.heading')!.$value as string[])[0]}\` (\`font-heading\`), code \`${(t.get('font.family.mono')!.$value as string[])[0]}\`.`,
  );
  push(
    `- Type scale: ${TYPE_STEPS.map((step) => `\`text-${step}\` ${describeValue(t.get(`font.size.${step}`)!)}`).join(', ')}. Body text is \`text-base\`.`,
  );
  push(
    `- Spacing step ${describeValue(t.get('space.unit')!)}; gap between panels \`gap-gutter\` (${describeValue(t.get('space.gutter')!)}).`,
  );
  push(
    `- Control heights: \`h-control-sm\` ${describeValue(t.get('size.control.sm')!)}, \`h-control-md\` ${describeValue(t.get('size.control.md')!)}, \`h-control-lg\` ${describeValue(t.get('size.control.lg')!)}; corner radius ${describeValue(t.get('radius.base')!)} (\`rounded-lg\`).`,
  );
  const repairs = theme.report.repairs;
  if (repairs.length) {
    push('', '## Contrast repairs made while generating', '');
    for (const r of repairs)
      push(
        `- ${r.mode} \`${r.token}\` (${r.pair}): ${r.before.hex} ${ratio(r.before.ratio)}:1 → ${r.after.hex} ${ratio(r.after.ratio)}:1 (${r.method})`,
      );
  }
  return `${lines.join('\n')}\n`;
}
