import type { DesignTheme } from '../theme';
import { themeCss } from './css';
import { designMd } from './design-md';
import { registryItem } from './registry';
import { tailwind3Config, tailwind3Variables } from './tailwind3';

export interface OutputFile {
  /** Relative to the output folder. */
  path: string;
  content: string;
}

/** Every output of one theme, in a fixed order; the same inputs give byte-identical files. */
export function designFiles(theme: DesignTheme, options: { tailwind3?: boolean } = {}): OutputFile[] {
  const files: OutputFile[] = [
    { path: 'DESIGN.md', content: designMd(theme) },
    { path: 'theme.css', content: themeCss(theme) },
    { path: 'registry-item.json', content: registryItem(theme) },
    { path: 'design.tokens.json', content: `${JSON.stringify(theme.document, null, 2)}\n` },
  ];
  if (options.tailwind3) {
    files.push({ path: 'tailwind.config.js', content: tailwind3Config(theme) });
    files.push({ path: 'variables.css', content: tailwind3Variables(theme) });
  }
  return files;
}
