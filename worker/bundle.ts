import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@temporalio/common';
import { packageRoot } from '../activities/paths';
import { UserError } from '../lib/errors';

/**
 * The workflow bundle, built once (`npm run build` writes dist/workflows.bundle.js) as Temporal advises
 * for production, instead of a webpack build at every worker start. Beside it, a manifest names every
 * source file webpack read (a SHA-256 each) and the @temporalio/workflow version; a worker refuses a
 * bundle whose sources have changed since, rather than run workflow code that is not the checkout's.
 */

export const BUNDLE_FILE = 'dist/workflows.bundle.js';
export const BUNDLE_MANIFEST = 'dist/workflows.bundle.json';
export const REBUILD_COMMAND = 'npm run build';

export interface BundleManifest {
  /** @temporalio/workflow's version: the bundle contains its code. */
  sdk: string;
  /** Package-relative path of each source file in the bundle -> its SHA-256. */
  files: Record<string, string>;
  /** SHA-256 of the bundle file itself: one cut short (a build killed while writing) or edited is refused. */
  bundle?: string;
}

/** The workflow code in memory, or a file bundleWorkflowCode wrote ahead of time. */
export type WorkflowBundle = { code: string } | { codePath: string };

export class StaleWorkflowBundleError extends UserError {}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function sdkVersion(): string {
  const manifest = require.resolve('@temporalio/workflow/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The workflows entry in the sources (a development checkout), or null (an install without them). */
function workflowSources(root: string): string | null {
  const entry = path.join(root, 'workflows', 'index.ts');
  return existsSync(entry) ? entry : null;
}

/** Bundles workflows/index.ts with webpack and records which of the package's files went in. */
export async function buildWorkflowBundle(
  options: { root?: string; logger?: Logger; interceptorModules?: string[] } = {},
): Promise<{ code: string; manifest: BundleManifest }> {
  const root = options.root ?? packageRoot();
  const entry = workflowSources(root);
  if (!entry) throw new Error(`No workflow sources at ${path.join(root, 'workflows/index.ts')}`);
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const read = new Set<string>();
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    ...(options.interceptorModules ? { workflowInterceptorModules: options.interceptorModules } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.done.tap('buildrunner-bundle-manifest', (stats) => {
              for (const file of stats.compilation.fileDependencies) read.add(file);
            });
          },
        },
      ],
    }),
  });
  const files: Record<string, string> = {};
  for (const file of [...read].sort()) {
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules'))
      continue;
    if (!existsSync(file) || !/\.[cm]?[jt]s$/.test(file)) continue;
    files[rel.split(path.sep).join('/')] = sha256(file);
  }
  return { code, manifest: { sdk: sdkVersion(), files } };
}

/** Writes the bundle and its manifest (`npm run build`). */
export async function writeWorkflowBundle(root = packageRoot(), logger?: Logger): Promise<string> {
  const { code, manifest } = await buildWorkflowBundle({ root, ...(logger ? { logger } : {}) });
  const out = path.join(root, BUNDLE_FILE);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  const bundle = createHash('sha256').update(code).digest('hex');
  writeFileSync(path.join(root, BUNDLE_MANIFEST), `${JSON.stringify({ ...manifest, bundle }, null, 2)}\n`);
  return out;
}

/** Why a bundle is not the one these sources would give: changed or missing files, another SDK. */
export function staleness(root: string, manifest: BundleManifest): string[] {
  const reasons: string[] = [];
  const sdk = sdkVersion();
  if (manifest.sdk !== sdk) reasons.push(`built with @temporalio/workflow ${manifest.sdk}, installed ${sdk}`);
  for (const [rel, hash] of Object.entries(manifest.files ?? {})) {
    const file = path.join(root, rel);
    if (!existsSync(file)) reasons.push(`${rel} is gone`);
    else if (sha256(file) !== hash) reasons.push(`${rel} changed`);
  }
  return reasons;
}

/**
 * The workflow code a worker runs: BR_WORKFLOW_BUNDLE when set (the test run builds one for all its
 * workers); else the prebuilt dist/workflows.bundle.js, checked against the sources when they are here;
 * else, in a development checkout that was never built, a bundle made now from the sources.
 */
export async function loadWorkflowBundle(
  options: { root?: string; env?: NodeJS.ProcessEnv; logger?: Logger; note?: (line: string) => void } = {},
): Promise<WorkflowBundle> {
  const env = options.env ?? process.env;
  if (env.BR_WORKFLOW_BUNDLE) return { codePath: env.BR_WORKFLOW_BUNDLE };
  const root = options.root ?? packageRoot();
  const codePath = path.join(root, BUNDLE_FILE);
  const manifestPath = path.join(root, BUNDLE_MANIFEST);
  const sources = workflowSources(root);
  if (existsSync(codePath)) {
    if (!sources) return { codePath };
    let manifest: BundleManifest;
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
    } catch {
      throw new StaleWorkflowBundleError(
        `The workflow bundle ${codePath} has no readable manifest (${manifestPath}). Run \`${REBUILD_COMMAND}\` in ${root}.`,
      );
    }
    const reasons = staleness(root, manifest);
    if (manifest.bundle !== sha256(codePath))
      reasons.unshift(`${BUNDLE_FILE} changed since it was built (or was built by an older br)`);
    if (reasons.length)
      throw new StaleWorkflowBundleError(
        `The workflow bundle ${codePath} is stale: ${reasons.slice(0, 3).join('; ')}` +
          `${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}.\n` +
          `Run \`${REBUILD_COMMAND}\` in ${root} to rebuild it.`,
      );
    return { codePath };
  }
  if (!sources)
    throw new UserError(
      `No workflow bundle at ${codePath} and no workflow sources to build one. Reinstall BuildRunner.`,
    );
  options.note?.(`No prebuilt workflow bundle (${BUNDLE_FILE}): bundling from the sources now`);
  const { code } = await buildWorkflowBundle({ root, ...(options.logger ? { logger: options.logger } : {}) });
  return { code };
}

if (require.main === module) {
  void import('@temporalio/worker')
    .then(({ DefaultLogger }) => writeWorkflowBundle(packageRoot(), new DefaultLogger('WARN')))
    .then((out) => process.stdout.write(`Workflow bundle: ${out}\n`));
}
