import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
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
  const stat = statSync(file);
  if (stat.isDirectory())
    throw new UserError(`The spec ${specPath} is a directory; pass the spec file in it.`, {
      code: 'SPEC_MISSING',
    });
  const maxBytes = ctx.config.planner.maxSpecBytes;
  checkSpecSize(specPath, stat.size, maxBytes);
  const bytes = stat.isFile() ? readFileSync(file) : readAtMost(file, maxBytes + 1);
  checkSpecSize(specPath, bytes.length, maxBytes);
  return specText(specPath, bytes, { requireWork: options.requireWork ?? true });
}

/**
 * A pipe, `<(…)` or a device has no size to check first (`/dev/zero` reports 0 and never ends), so
 * it is read only up to one byte past the limit.
 */
function readAtMost(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const n = readSync(fd, buffer, length, limit - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
