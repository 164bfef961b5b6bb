import { existsSync } from 'node:fs';
import type { Database } from '../../lib/db/connection';
import { analyzeGaps, gapsHeadline, type GapReport, type SummaryGaps } from '../../lib/gaps';
import { collectGapInput, type BuildTaskRow } from './collect';

export interface BuildEvidence {
  id: string;
  repoPath: string;
  specPath: string;
  buildBranch: string;
  tasks: BuildTaskRow[];
}

/** The build's row and its tasks' evidence, or null when the database has no such build. */
export async function loadBuildEvidence(db: Database, buildId: string): Promise<BuildEvidence | null> {
  const build = await db.prisma.build.findUnique({ where: { id: buildId } });
  if (!build) return null;
  const rows = await db.prisma.task.findMany({ where: { buildId }, orderBy: { taskKey: 'asc' } });
  return {
    id: build.id,
    repoPath: build.repoPath,
    specPath: build.specPath,
    buildBranch: build.buildBranch,
    tasks: rows.map((t) => ({
      id: t.taskKey,
      title: t.title,
      status: t.status,
      requirementIds: t.requirementIds,
      features: t.features,
      mergeCommit: t.mergeCommit,
      files: t.files,
    })),
  };
}

export interface GapSettings {
  resultsFile: string;
  testPattern?: string;
}

export async function gapsOfBuild(
  evidence: BuildEvidence,
  options: GapSettings & { repoPath?: string; specPath?: string },
): Promise<GapReport> {
  const input = await collectGapInput({
    repoPath: options.repoPath ?? evidence.repoPath,
    specPath: options.specPath ?? evidence.specPath,
    build: { id: evidence.id, branch: evidence.buildBranch, tasks: evidence.tasks },
    resultsFile: options.resultsFile,
    testPattern: options.testPattern,
  });
  return analyzeGaps(input);
}

export type { SummaryGaps };

/**
 * The gap section of a finished build's summary. Never throws: a build's record must be written even
 * when its repository cannot be read from this worker.
 */
export async function summaryGaps(
  db: Database,
  buildId: string,
  settings: GapSettings & { repoPath?: string },
): Promise<SummaryGaps> {
  try {
    const evidence = await loadBuildEvidence(db, buildId);
    if (!evidence || !existsSync(settings.repoPath ?? evidence.repoPath))
      return { headline: 'Gaps: not analysed (repository not reachable).' };
    const report = await gapsOfBuild(evidence, settings);
    return {
      headline: gapsHeadline(report),
      counts: report.counts,
      high: report.findings
        .filter((f) => f.severity === 'high')
        .map((f) => ({
          kind: f.kind,
          message: f.message,
          ...(f.requirementId ? { requirementId: f.requirementId } : {}),
          ...(f.taskId ? { taskId: f.taskId } : {}),
        })),
    };
  } catch (err) {
    return { headline: 'Gaps: not analysed.', error: (err as Error).message.slice(0, 500) };
  }
}
