import { existsSync } from 'node:fs';
import path from 'node:path';
import { collectGapInput, gapsOfBuild, loadBuildEvidence } from '../activities/evidence';
import { UserError } from '../lib/errors';
import { analyzeGaps, type GapReport } from '../lib/gaps';
import { withDatabase, type ServiceContext } from './context';
import { readSpecFile } from './spec-file';

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
  // The size limit and the text checks before anything plans it; a missing spec keeps its own message.
  if (existsSync(path.resolve(ctx.root, specPath))) readSpecFile(ctx, specPath, { base: ctx.root });
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
