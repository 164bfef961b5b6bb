import type { DesignTheme } from '../theme';
import { cssVariables } from './shared';

/** A shadcn/ui registry item of type registry:theme (`npx shadcn add ./registry-item.json`). */
export function registryItem(theme: DesignTheme): string {
  const vars = cssVariables(theme);
  const item = {
    $schema: 'https://ui.shadcn.com/schema/registry-item.json',
    name: `br-${theme.id}`,
    type: 'registry:theme',
    title: `${theme.profile.title} × ${theme.pattern.title}`,
    description: `${theme.profile.summary} ${theme.pattern.summary}`,
    cssVars: {
      theme: Object.fromEntries(vars.theme),
      light: Object.fromEntries(vars.light),
      dark: Object.fromEntries(vars.dark),
    },
  };
  return `${JSON.stringify(item, null, 2)}\n`;
}
