import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../lib/errors';
import { checkSpecSize, specText } from '../lib/planner/spec-input';
import type { ServiceContext } from './context';

/**
 * Reads a spec for a planner, the one way every command and the MCP tools do: refused at once when
 * it is missing or over `planner.maxSpecBytes` (its size is read before its bytes), and refused with
 * its own hint when it is binary, not UTF-8 or has nothing to plan.
 */
export function readSpecFile(
  ctx: Pick<ServiceContext, 'cwd' | 'config'>,
  specPath: string,
  /** requireWork false: the spec is not planned (a build of a plan file, which may come from a tasks.json). */
  options: { base?: string; requireWork?: boolean } = {},
): string {
  const file = path.resolve(options.base ?? ctx.cwd, specPath);
  if (!existsSync(file))
    throw new UserError(
      `Spec not found: ${specPath}. Pass the path of your project spec, e.g. \`br plan PROJECT_SPEC.md\`.`,
      { code: 'SPEC_MISSING' },
    );
  checkSpecSize(specPath, statSync(file).size, ctx.config.planner.maxSpecBytes);
  return specText(specPath, readFileSync(file), { requireWork: options.requireWork ?? true });
}
