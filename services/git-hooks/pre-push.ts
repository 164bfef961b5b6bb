import { gitSync } from '../../activities/git/safe';
import { FEATURES_FILE, parseFeatures } from '../../lib/features/schema';

/** One line of pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>`. */
export interface PushUpdate {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
  /** The remote ref is being deleted (local sha is all zeros): nothing new is pushed. */
  deletion: boolean;
  /** The remote ref does not exist yet (remote sha is all zeros). */
  newRef: boolean;
}

const ZERO = /^0+$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function parsePushInput(stdin: string): PushUpdate[] {
  const updates: PushUpdate[] = [];
  for (const raw of stdin.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 4 || !SHA.test(parts[1]!) || !SHA.test(parts[3]!))
      throw new Error(
        `Unexpected pre-push input line: "${line}" (expected "<local ref> <local sha> <remote ref> <remote sha>")`,
      );
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    updates.push({
      localRef,
      localSha,
      remoteRef,
      remoteSha,
      deletion: ZERO.test(localSha),
      newRef: ZERO.test(remoteSha),
    });
  }
  return updates;
}

export interface PushBlock {
  remoteRef: string;
  file: string;
  line: number;
  featureId: string;
  status: string;
}

function featuresAt(cwd: string, sha: string): string | null {
  try {
    return gitSync(cwd, ['show', `${sha}:${FEATURES_FILE}`]).stdout;
  } catch {
    return null;
  }
}

/** Required features that are not complete in the commit each pushed ref points at. Deletions push nothing. */
export function incompleteRequired(cwd: string, updates: PushUpdate[]): PushBlock[] {
  const blocks: PushBlock[] = [];
  for (const u of updates) {
    if (u.deletion) continue;
    const text = featuresAt(cwd, u.localSha);
    if (text === null) continue;
    const parsed = parseFeatures(text);
    if (!parsed.ok) {
      const p = parsed.problems[0]!;
      blocks.push({
        remoteRef: u.remoteRef,
        file: p.file,
        line: p.line,
        featureId: '(file)',
        status: p.message,
      });
      continue;
    }
    const lines = text.split('\n');
    for (const f of parsed.value.features) {
      if (!f.required || f.status === 'complete') continue;
      const index = lines.findIndex((l) => l.includes(`"id": "${f.id}"`) || l.includes(`"id":"${f.id}"`));
      blocks.push({
        remoteRef: u.remoteRef,
        file: FEATURES_FILE,
        line: index + 1 || 1,
        featureId: f.id,
        status: f.status,
      });
    }
  }
  return blocks;
}

export function formatPushBlocks(blocks: PushBlock[]): string {
  const lines = ['Push blocked: required features are not complete.'];
  for (const b of blocks)
    lines.push(`  ${b.file}:${b.line}: ${b.featureId} is ${b.status} (pushing to ${b.remoteRef})`);
  lines.push(
    'Finish them and run `br feature complete <id>`, or set hooks.blockPushOnIncompleteRequired to false,',
    'or bypass deliberately with `git push --no-verify`.',
  );
  return `${lines.join('\n')}\n`;
}
