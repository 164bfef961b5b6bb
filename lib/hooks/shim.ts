/** The hooks BuildRunner installs, and the shell shims that run them. */
export const HOOK_NAMES = ['pre-commit', 'post-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export const HOOK_VERSION = 1;
export const HEADER = `# BuildRunner hook v${HOOK_VERSION}`;
export const CHAINED_SUFFIX = '.br-chained';

export function hookVersionOf(text: string): number | null {
  const m = /^# BuildRunner hook v(\d+)$/m.exec(text.split('\n').slice(0, 3).join('\n'));
  return m ? Number(m[1]) : null;
}

/** How to run the original hook: shell hooks are sourced so they still see `$0` as the hook path (husky relies on it). */
export function chainedRunner(originalText: string): 'sh' | 'bash' | 'exec' {
  const first = originalText.split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return 'sh';
  if (/^#!\s*(\/usr\/bin\/env\s+)?(\/\S*\/)?(sh|dash)(\s|$)/.test(first)) return 'sh';
  if (/^#!\s*(\/usr\/bin\/env\s+)?(\/\S*\/)?bash(\s|$)/.test(first)) return 'bash';
  return 'exec';
}

function q(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface ShimOptions {
  /** Absolute path of BuildRunner's bin/br.js, resolved at install time. */
  brBin: string;
  /** How to run the chained original, or null when there was none. */
  chained: 'sh' | 'bash' | 'exec' | null;
}

/**
 * A small POSIX sh script: runs the original hook first (its failure stops the commit with its exit code),
 * then `br hooks run <hook>` with `node` from PATH. pre-push replays git's stdin to both.
 */
export function renderShim(hook: HookName, options: ShimOptions): string {
  const lines = [
    '#!/bin/sh',
    HEADER,
    `# ${hook}: installed by \`br hooks install\`; \`br hooks uninstall\` restores what was here before.`,
    '# Bypass deliberately: git commit --no-verify / git push --no-verify.',
  ];
  if (hook === 'post-commit')
    lines.push(
      '[ -n "$BR_POST_COMMIT_RUNNING" ] && exit 0',
      'BR_POST_COMMIT_RUNNING=1',
      'export BR_POST_COMMIT_RUNNING',
    );
  if (hook === 'pre-push') lines.push('br_input=$(cat)');
  const feed = hook === 'pre-push' ? `printf '%s\\n' "$br_input" | ` : '';
  if (options.chained) {
    lines.push(`br_chained="$(dirname "$0")/${hook}${CHAINED_SUFFIX}"`, 'if [ -x "$br_chained" ]; then');
    const call =
      options.chained === 'exec'
        ? '"$br_chained" "$@"'
        : `BR_CHAINED="$br_chained" ${options.chained} -c '. "$BR_CHAINED"' "$0" "$@"`;
    // post-commit's result cannot undo a commit: keep going whatever the original returns.
    lines.push(hook === 'post-commit' ? `  ${call}` : `  ${feed}${call} || exit $?`, 'fi');
  }
  const run = `node ${q(options.brBin)} hooks run ${hook} "$@"`;
  if (hook === 'post-commit') lines.push(`${run} || true`, 'exit 0');
  else lines.push(`${feed}${run}`);
  return `${lines.join('\n')}\n`;
}
