import { gitSync } from '../../activities/git/safe';
import { loadConfig } from '../config-file';
import { FEATURES_FILE, parseFeatures } from '../../lib/features/schema';
import { generateStatusFile } from '../../activities/features/store';
import { locateHooks } from './locate';
import { formatPushBlocks, incompleteRequired, parsePushInput } from './pre-push';
import { scanStagedForSecrets } from './secrets';
import { runCommand } from '../../activities/command';

export interface HookOutcome {
  ok: boolean;
  /** What to print on stderr (empty when there is nothing to say). */
  report: string;
}

const BYPASS = 'To bypass deliberately: git commit --no-verify.';

function stagedFeatures(top: string): string | null {
  try {
    return gitSync(top, ['show', `:${FEATURES_FILE}`]).stdout;
  } catch {
    return null;
  }
}

/** Secret scan of the staged blobs, features.json validation, then the configured quality commands. */
export async function runPreCommit(cwd: string): Promise<HookOutcome> {
  const top = locateHooks(cwd).topLevel;
  const { config } = loadConfig({ cwd: top });
  const sections: string[] = [];
  if (config.hooks.secretScan) {
    const secrets = await scanStagedForSecrets(top);
    if (secrets.count)
      sections.push(`Commit blocked: possible secrets in staged changes.\n${secrets.report}`);
  }
  if (config.hooks.validateFeatures) {
    const text = stagedFeatures(top);
    const parsed = text === null ? null : parseFeatures(text);
    if (parsed && !parsed.ok)
      sections.push(
        `Commit blocked: ${FEATURES_FILE} is invalid.\n${parsed.problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`).join('\n')}\n`,
      );
  }
  for (const command of config.hooks.qualityCommands) {
    const run = await runCommand(command, top, config.agent.commandTimeoutSeconds);
    if (run.code !== 0 || run.timedOut)
      sections.push(
        `Commit blocked: \`${command}\` ${run.timedOut ? 'timed out' : `exited with code ${run.code}`}.\n${run.output.trim().slice(-4000)}\n`,
      );
  }
  if (!sections.length) return { ok: true, report: '' };
  return { ok: false, report: `${sections.join('\n')}\n${BYPASS}\n` };
}

/** Regenerates STATUS.md in the working tree. Never fails the commit and never commits anything itself. */
export function runPostCommit(cwd: string): HookOutcome {
  try {
    const top = locateHooks(cwd).topLevel;
    const text = stagedFeatures(top);
    if (text === null) return { ok: true, report: '' };
    const result = generateStatusFile(top);
    return {
      ok: true,
      report: result.changed ? 'BuildRunner: STATUS.md regenerated (commit it when you like).\n' : '',
    };
  } catch (err) {
    return { ok: true, report: `BuildRunner: could not regenerate STATUS.md: ${(err as Error).message}\n` };
  }
}

export function runPrePush(cwd: string, stdin: string): HookOutcome {
  const top = locateHooks(cwd).topLevel;
  const { config } = loadConfig({ cwd: top });
  if (!config.hooks.blockPushOnIncompleteRequired) return { ok: true, report: '' };
  const blocks = incompleteRequired(top, parsePushInput(stdin));
  return blocks.length ? { ok: false, report: formatPushBlocks(blocks) } : { ok: true, report: '' };
}
