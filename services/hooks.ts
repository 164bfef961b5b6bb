import { existsSync } from 'node:fs';
import path from 'node:path';
import type { GapReport } from '../lib/gaps';
import { locateHooks } from './git-hooks/locate';
import { parsePushInput } from './git-hooks/pre-push';
import { runPrePush, type HookOutcome } from './git-hooks/run';
import { createContext, type ServiceContext } from './context';
import { analyzeSpecGaps } from './gaps';

/**
 * `br hooks run pre-push`, which the installed pre-push hook runs: the required-features check of
 * lib/hooks, then, with `hooks.blockPushOnHighGaps`, the gap analysis `br gaps analyze --json` prints
 * (the spec in gaps.defaultSpec against the working tree), refusing the push on any high finding.
 */
export async function runPrePushChecks(
  cwd: string,
  stdin: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HookOutcome> {
  const features = runPrePush(cwd, stdin);
  const ctx = createContext({ cwd: locateHooks(cwd).topLevel, env });
  if (!ctx.config.hooks.blockPushOnHighGaps) return features;
  const updates = parsePushInput(stdin);
  // Deleting remote refs pushes no code: nothing to judge.
  if (updates.length && updates.every((u) => u.deletion)) return features;
  const gaps = await highGapsBlock(ctx);
  return { ok: features.ok && gaps.ok, report: `${features.report}${gaps.report}` };
}

const OFF = 'or set hooks.blockPushOnHighGaps to false, or bypass deliberately with `git push --no-verify`.';

async function highGapsBlock(ctx: ServiceContext): Promise<HookOutcome> {
  const spec = ctx.config.gaps.defaultSpec;
  if (!existsSync(path.resolve(ctx.root, spec)))
    return {
      ok: false,
      report:
        `Push blocked: hooks.blockPushOnHighGaps is on, but the spec ${spec} (gaps.defaultSpec) is not in ${ctx.root}.\n` +
        `Set gaps.defaultSpec to your spec, ${OFF}\n`,
    };
  const report = await analyzeSpecGaps(ctx, { specPath: path.resolve(ctx.root, spec) });
  return report.counts.high ? { ok: false, report: formatHighGaps(report) } : { ok: true, report: '' };
}

export function formatHighGaps(report: GapReport): string {
  const high = report.findings.filter((f) => f.severity === 'high');
  const lines = [
    `Push blocked: \`br gaps analyze\` finds ${high.length} high-severity gap${high.length === 1 ? '' : 's'} in ${report.spec}:`,
  ];
  for (const f of high) {
    const subject = f.requirementId ?? f.taskId ?? f.featureId ?? '';
    lines.push(`  ${f.kind}${subject ? ` ${subject}` : ''}: ${f.message}`);
  }
  lines.push(
    'Close them: plan a task for each requirement, cite it in a passing test (`@req <id>` in the test name or a',
    `comment above it) and record the results (${report.resultsFile ?? 'gaps.testResults'}); see them all with`,
    `\`br gaps analyze\`, ${OFF}`,
  );
  return `${lines.join('\n')}\n`;
}
