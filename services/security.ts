import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../lib/errors';
import type { Finding, ScanStats } from '../lib/secrets';
import { scanPaths, scanStaged } from './secrets-files';

export interface SecurityScanOptions {
  cwd: string;
  /** Files or folders relative to `cwd`; empty means `cwd` itself. Not allowed with `staged`. */
  paths: string[];
  /** Scan the blobs staged for the next commit instead of files on disk. */
  staged: boolean;
}

export interface SecurityScanReport {
  mode: 'paths' | 'staged';
  findings: Finding[];
  counts: {
    findings: number;
    filesWithFindings: number;
    filesScanned: number;
    filesSkipped: number;
    bytesScanned: number;
    byRule: Record<string, number>;
  };
}

export async function securityScan(options: SecurityScanOptions): Promise<SecurityScanReport> {
  const stats: ScanStats = { filesScanned: 0, bytesScanned: 0, filesSkipped: 0 };
  let findings: Finding[];
  if (options.staged) {
    if (options.paths.length)
      throw new UserError(
        '--staged scans everything staged for the next commit: drop the paths, or drop --staged.',
      );
    try {
      findings = await scanStaged(options.cwd, { stats });
    } catch (err) {
      if (/not a git repository/i.test(String((err as { stderr?: string }).stderr ?? err)))
        throw new UserError(
          `${options.cwd} is not inside a git repository: run --staged from a repository, or scan paths.`,
        );
      throw err;
    }
  } else {
    const missing = options.paths.filter((p) => !existsSync(path.resolve(options.cwd, p)));
    if (missing.length)
      throw new UserError(`No such file or folder: ${missing.join(', ')}. Check the path and retry.`);
    findings = await scanPaths(options.paths, { cwd: options.cwd, stats });
  }
  const byRule: Record<string, number> = {};
  for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return {
    mode: options.staged ? 'staged' : 'paths',
    findings,
    counts: {
      findings: findings.length,
      filesWithFindings: new Set(findings.map((f) => f.file)).size,
      filesScanned: stats.filesScanned,
      filesSkipped: stats.filesSkipped,
      bytesScanned: stats.bytesScanned,
      byRule,
    },
  };
}
