import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../activities/paths';
import { locateHooks, type HooksScope } from './locate';
import { lstatOrNull, materialize, preserveBeside, snapshot, type SavedHook } from './saved-hook';
import {
  CHAINED_SUFFIX,
  HOOK_NAMES,
  HOOK_VERSION,
  chainedRunner,
  hookVersionOf,
  renderShim,
  type HookName,
} from '../../lib/hooks/shim';

export { PRESERVED_SUFFIX, type SavedHook } from './saved-hook';

/** What was in the hooks folder before us, so uninstall can put it back byte for byte, mode included. */
export interface HooksManifest {
  version: 1;
  hooksDir: string;
  scope: HooksScope;
  brBin: string;
  hooks: Partial<Record<HookName, { original: SavedHook | null }>>;
}

export function manifestPath(commonDir: string): string {
  return path.join(commonDir, 'buildrunner', 'hooks-manifest.json');
}

function readManifest(file: string): HooksManifest | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HooksManifest) : null;
}

function writeManifest(file: string, manifest: HooksManifest): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Our hooks are regular files with our header; a symlink there is always someone else's. */
function isOurs(file: string, stat: Stats | null): boolean {
  return stat !== null && stat.isFile() && hookVersionOf(readFileSync(file, 'utf8')) !== null;
}

export interface InstallResult {
  hooksDir: string;
  scope: HooksScope;
  manifest: string;
  hooks: {
    hook: HookName;
    action: 'installed' | 'updated';
    chained: boolean;
    /** Set when a hook replaced ours since the last install: the older original was kept at this path. */
    earlierOriginalSavedAs: string | null;
  }[];
  /** Set when core.hooksPath comes from global or system config: every repository using it gets these hooks. */
  sharedWarning: string | null;
}

export function installHooks(cwd: string, options: { brBin?: string } = {}): InstallResult {
  const loc = locateHooks(cwd);
  const brBin = options.brBin ?? path.join(packageRoot(), 'bin', 'br.js');
  const file = manifestPath(loc.commonDir);
  const previous = readManifest(file);
  const manifest: HooksManifest =
    previous && previous.hooksDir === loc.dir
      ? { ...previous, brBin }
      : { version: 1, hooksDir: loc.dir, scope: loc.scope, brBin, hooks: {} };
  if (previous && previous.hooksDir !== loc.dir)
    throw new Error(
      `BuildRunner hooks are installed in ${previous.hooksDir}, but git now runs hooks from ${loc.dir}. ` +
        'Run `br hooks uninstall` first, then install again.',
    );
  mkdirSync(loc.dir, { recursive: true });
  const hooks: InstallResult['hooks'] = [];
  for (const hook of HOOK_NAMES) {
    const target = path.join(loc.dir, hook);
    const chainedFile = target + CHAINED_SUFFIX;
    const stat = lstatOrNull(target);
    const ours = isOurs(target, stat);
    let earlierOriginalSavedAs: string | null = null;
    if (stat && !ours) {
      const earlier = manifest.hooks[hook]?.original;
      // Something replaced our hook since the last install: the original we chained then must not be lost.
      if (earlier) earlierOriginalSavedAs = preserveBeside(target, earlier);
      manifest.hooks[hook] = { original: snapshot(target, stat) };
      // Recorded before anything moves, so a crash here still leaves uninstall able to restore it.
      writeManifest(file, manifest);
      rmSync(chainedFile, { force: true });
      renameSync(target, chainedFile);
    } else if (!manifest.hooks[hook]) manifest.hooks[hook] = { original: null };
    const original = manifest.hooks[hook]?.original;
    const runner = original ? chainedRunner(Buffer.from(original.base64, 'base64').toString('utf8')) : null;
    writeFileSync(target, renderShim(hook, { brBin, chained: runner }));
    chmodSync(target, 0o755);
    hooks.push({
      hook,
      action: ours ? 'updated' : 'installed',
      chained: runner !== null,
      earlierOriginalSavedAs,
    });
  }
  writeManifest(file, manifest);
  const shared = loc.scope === 'global' || loc.scope === 'system';
  return {
    hooksDir: loc.dir,
    scope: loc.scope,
    manifest: file,
    hooks,
    sharedWarning: shared
      ? `core.hooksPath is set in ${loc.scope} config (${loc.origin ?? '?'}): every repository that uses ${loc.dir} now runs these hooks.`
      : null,
  };
}

export interface UninstallResult {
  hooksDir: string | null;
  hooks: {
    hook: HookName;
    action: 'removed' | 'restored' | 'left-foreign';
    /** left-foreign only: where the hook that was there before BuildRunner now lives, or null if there was none. */
    savedOriginal: string | null;
  }[];
  nothingInstalled: boolean;
}

export function uninstallHooks(cwd: string): UninstallResult {
  const loc = locateHooks(cwd);
  const file = manifestPath(loc.commonDir);
  const manifest = readManifest(file);
  if (!manifest) return { hooksDir: null, hooks: [], nothingInstalled: true };
  const hooks: UninstallResult['hooks'] = [];
  for (const hook of HOOK_NAMES) {
    const entry = manifest.hooks[hook];
    if (!entry) continue;
    const target = path.join(manifest.hooksDir, hook);
    const stat = lstatOrNull(target);
    if (stat && !isOurs(target, stat)) {
      // Someone replaced our hook since: theirs stays, and the one from before BuildRunner goes beside it.
      const savedOriginal = entry.original ? preserveBeside(target, entry.original) : null;
      hooks.push({ hook, action: 'left-foreign', savedOriginal });
      rmSync(target + CHAINED_SUFFIX, { force: true });
      continue;
    }
    rmSync(target, { force: true });
    rmSync(target + CHAINED_SUFFIX, { force: true });
    if (entry.original) {
      materialize(target, entry.original);
      hooks.push({ hook, action: 'restored', savedOriginal: null });
    } else hooks.push({ hook, action: 'removed', savedOriginal: null });
  }
  rmSync(file, { force: true });
  return { hooksDir: manifest.hooksDir, hooks, nothingInstalled: false };
}

export interface HookStatus {
  hook: HookName;
  state: 'installed' | 'outdated' | 'missing' | 'foreign';
  version: number | null;
  chainedOriginal: boolean;
}

export interface HooksStatusResult {
  hooksDir: string;
  scope: HooksScope;
  origin: string | null;
  manifest: string | null;
  hooks: HookStatus[];
  ok: boolean;
}

export function hooksStatus(cwd: string): HooksStatusResult {
  const loc = locateHooks(cwd);
  const file = manifestPath(loc.commonDir);
  const hooks = HOOK_NAMES.map((hook): HookStatus => {
    const target = path.join(loc.dir, hook);
    const chainedOriginal = existsSync(target + CHAINED_SUFFIX);
    if (!existsSync(target)) return { hook, state: 'missing', version: null, chainedOriginal };
    const version = hookVersionOf(readFileSync(target, 'utf8'));
    if (version === null) return { hook, state: 'foreign', version, chainedOriginal };
    return { hook, state: version === HOOK_VERSION ? 'installed' : 'outdated', version, chainedOriginal };
  });
  return {
    hooksDir: loc.dir,
    scope: loc.scope,
    origin: loc.origin,
    manifest: existsSync(file) ? file : null,
    hooks,
    ok: hooks.every((h) => h.state === 'installed'),
  };
}
