import { existsSync } from 'node:fs';
import path from 'node:path';
import { collectGapInput, type BuildTaskRow } from '../activities/evidence';
import type { Database } from '../lib/db/connection';
import { UserError } from '../lib/errors';
import { analyzeGaps, type GapReport } from '../lib/gaps';
import { withDatabase, type ServiceContext } from './context';

/**
 * `br gaps analyze`: the traceability matrix of a spec, either planned offline against the working
 * tree, or for a build: its Task rows from the database, its merges and tests on the build branch.
 */

export interface GapsOptions {
  /** Relative to the working folder; default: the build's spec, else `gaps.defaultSpec`. */
  specPath?: string;
  buildId?: string;
  /** jest-style JSON results; default `gaps.testResults`. */
  resultsFile?: string;
}

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

export async function gapsOfBuild(
  evidence: BuildEvidence,
  options: { repoPath?: string; specPath?: string; resultsFile: string; testPattern?: string },
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

export async function analyzeSpecGaps(ctx: ServiceContext, options: GapsOptions = {}): Promise<GapReport> {
  const resultsFile = options.resultsFile
    ? path.resolve(ctx.cwd, options.resultsFile)
    : path.resolve(ctx.root, ctx.config.gaps.testResults);
  const specInRepo = (spec: string) => {
    const rel = path.relative(ctx.root, path.resolve(ctx.cwd, spec));
    if (rel.startsWith('..'))
      throw new UserError(
        `The spec ${spec} is outside the repository ${ctx.root}. Run br from the repository.`,
      );
    return rel;
  };
  if (options.buildId) {
    const buildId = options.buildId;
    return withDatabase(ctx, async (db) => {
      const evidence = await loadBuildEvidence(db, buildId);
      if (!evidence)
        throw new UserError(`No build "${buildId}" in the database. List builds with \`br build list\`.`);
      // The build ran on a worker; this checkout is the same repository when the recorded path is not here.
      const repoPath = existsSync(evidence.repoPath) ? evidence.repoPath : ctx.root;
      return gapsOfBuild(evidence, {
        repoPath,
        ...(options.specPath ? { specPath: specInRepo(options.specPath) } : {}),
        resultsFile,
        testPattern: ctx.config.gaps.testPattern,
      });
    });
  }
  const specPath = specInRepo(options.specPath ?? ctx.config.gaps.defaultSpec);
  return analyzeGaps(
    await collectGapInput({
      repoPath: ctx.root,
      specPath,
      build: null,
      resultsFile,
      testPattern: ctx.config.gaps.testPattern,
    }),
  );
}
