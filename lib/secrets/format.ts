import { INLINE_IGNORE } from './allow';
import { IGNORE_FILE } from './file-kinds';
import type { Finding } from './types';

/** How to silence a false positive on purpose; shown under every report. */
export const SUPPRESS_HINT = `To accept a false positive deliberately, add a \`${INLINE_IGNORE}\` comment on that line or the line above, or list the path in ${IGNORE_FILE} (gitignore syntax).`;

/** `file:line:column  rule  excerpt` lines, a count, and the suppression hint; empty string when clean. */
export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) return '';
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.excerpt}`);
  const files = new Set(findings.map((f) => f.file)).size;
  const noun = findings.length === 1 ? 'possible secret' : 'possible secrets';
  lines.push('', `${findings.length} ${noun} in ${files} file${files === 1 ? '' : 's'}.`, SUPPRESS_HINT);
  return `${lines.join('\n')}\n`;
}
