import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StartBuildOptions } from './build-input';
import { buildBackend, startSummary, type StartSummary } from './build-backend';
import { planForBuild } from './build-plan';
import type { ServiceContext } from './context';

/**
 * Idempotent starts for clients that retry: the same spec and base already attach to the same build (the
 * workflow id is derived from them). A client key adds the other half: a retried request with the same
 * key returns the build it started the first time, even if the spec was edited in between. Keys live in
 * the repository's `.buildrunner/` folder, so they survive a restart of whatever front end recorded them.
 */
export const CLIENT_KEYS_FILE = '.buildrunner/client-keys.json';

type KeyStore = Record<string, Omit<StartSummary, 'attached'>>;

function readKeys(file: string): KeyStore {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as KeyStore) : {};
  } catch {
    // A damaged key file only loses the key shortcut: the same spec still attaches by workflow id.
    return {};
  }
}

export async function startBuildOnce(
  ctx: ServiceContext,
  options: Omit<StartBuildOptions, 'planner' | 'plan'> & { planner?: StartBuildOptions['planner'] },
  clientKey?: string,
): Promise<StartSummary> {
  const file = path.join(ctx.root, CLIENT_KEYS_FILE);
  const known = clientKey ? readKeys(file)[clientKey] : undefined;
  if (known) return { ...known, attached: true };
  // The same plan rule as `br build start`: the plan is made here and the build runs exactly it.
  const planned = await planForBuild(ctx, {
    specPath: options.specPath,
    ...(options.planner ? { planner: options.planner } : {}),
  });
  const started = await buildBackend(ctx).start(ctx, {
    ...options,
    planner: planned.planner,
    plan: planned.plan,
    planningCostUsd: planned.spentUsd,
  });
  const summary = startSummary(started, planned);
  if (clientKey) {
    const keys = readKeys(file);
    const { attached: _attached, ...record } = summary;
    keys[clientKey] = record;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(keys, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }
  return summary;
}
