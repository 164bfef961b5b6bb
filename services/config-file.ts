import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, ConfigError } from '../lib/config-error';
import type { LoadedConfig } from '../lib/config';
import { cachedConfig, configCacheDir, readSchemaStamp } from './config-cache';

/** Finding and reading buildrunner.config.json, with the environment's overrides (lib/config checks it). */

export function findConfigFile(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Environment variables that override the file; each maps to one config field. */
function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const section = (name: string) => ({ ...((out[name] as Record<string, unknown> | undefined) ?? {}) });
  const set = (name: string, key: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    out[name] = { ...section(name), [key]: value };
  };
  set('database', 'url', env.DATABASE_URL);
  set('temporal', 'address', env.TEMPORAL_ADDRESS);
  set('temporal', 'namespace', env.TEMPORAL_NAMESPACE);
  set('temporal', 'webUiUrl', env.TEMPORAL_UI_URL);
  set('temporal', 'httpAddress', env.TEMPORAL_HTTP_ADDRESS);
  set('anthropic', 'baseUrl', env.ANTHROPIC_BASE_URL);
  return out;
}

/**
 * `cache`: keep the validated result (services/config-cache.ts), for the compiled CLI's one-shot
 * commands, which would otherwise spend most of their start-up loading the schema.
 */
export function loadConfig(
  options: { cwd?: string; file?: string; env?: NodeJS.ProcessEnv; cache?: boolean } = {},
): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = options.file ? path.resolve(cwd, options.file) : findConfigFile(cwd);
  let raw: Record<string, unknown> = {};
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`Config file not found: ${file}`);
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new ConfigError(`${file} must hold a JSON object.`);
  }
  const input = applyEnv(raw, env);
  const source = file ?? 'the environment';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parse = () => (require('../lib/config') as typeof import('../lib/config')).parseConfig(input, source);
  const stamp = options.cache ? readSchemaStamp() : null;
  const config = stamp ? cachedConfig(input, source, { stamp, dir: configCacheDir(env) }, parse) : parse();
  return { config, root: file ? path.dirname(file) : cwd, file };
}
