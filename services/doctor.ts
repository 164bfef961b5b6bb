import { findApiKey } from '../activities/api-key';
import { checkKeyFormat, maskKey } from '../lib/apikey';
import { ConfigError, type LoadedConfig } from '../lib/config';
import { loadConfig } from './config-file';
import { openDatabase } from '../activities/db/connection';
import { migrationState, readMigrations } from '../activities/db/migrate';
import { resolveDatabaseTarget } from '../activities/db/target';
import { git } from '../activities/git/safe';
import type { DoctorCheck } from './doctor-check';

/** `br doctor`: every check says what it found and, when it fails, what to do about it. */

export type { CheckStatus, DoctorCheck } from './doctor-check';

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  configFile?: string;
  nodeVersion?: string;
  temporalTimeoutMs?: number;
}

const MIN_NODE: [number, number] = [20, 19];

export function checkNode(version: string): DoctorCheck {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    return {
      name: 'node',
      status: 'fail',
      detail: `Node ${version}`,
      fix: `Install Node ${MIN_NODE.join('.')} or newer (22 or 24 recommended).`,
    };
  }
  if (major === 20) {
    return {
      name: 'node',
      status: 'warn',
      detail: `Node ${version} works, but Node 20 is past end of life`,
      fix: 'Move to Node 22 or 24 when you can.',
    };
  }
  return { name: 'node', status: 'ok', detail: `Node ${version}` };
}

async function checkGit(env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  try {
    // The PATH being checked, so a missing git is reported as missing.
    return {
      name: 'git',
      status: 'ok',
      detail: await git(process.cwd(), ['--version'], { env: { PATH: env.PATH } }),
    };
  } catch {
    return {
      name: 'git',
      status: 'fail',
      detail: 'git was not found on PATH',
      fix: 'Install git 2.30 or newer (builds use worktrees).',
    };
  }
}

async function checkDatabase(loaded: LoadedConfig): Promise<DoctorCheck> {
  const target = resolveDatabaseTarget(loaded);
  let db;
  try {
    db = await openDatabase(target);
    await db.query('SELECT 1');
  } catch (err) {
    await db?.close().catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    return {
      name: 'database',
      status: 'fail',
      detail: `cannot reach the database: ${reason}`,
      fix:
        target.kind === 'postgres'
          ? 'Start PostgreSQL or correct DATABASE_URL (postgresql://user:password@host:5432/db).'
          : 'Another process may hold the embedded database: stop it, or run `br dev` so processes share it, or set DATABASE_URL.',
    };
  }
  try {
    const state = await migrationState(db, readMigrations());
    if (state.failed.length || state.modified.length) {
      return {
        name: 'database',
        status: 'fail',
        detail: `${db.description}: migration problem (${[...state.failed, ...state.modified].join(', ')})`,
        fix: 'See prisma/README.md, "Recovering from a failed migration".',
      };
    }
    // Every command that opens the database applies pending migrations itself, so a fresh
    // repository is healthy: say what will happen, do not fail.
    if (state.pending.length) {
      return {
        name: 'database',
        status: 'warn',
        detail: `${db.description}: ${state.pending.length} migration(s) pending; the next command that uses the database applies them`,
        fix: 'Nothing needed; `br db migrate` applies them now.',
      };
    }
    return { name: 'database', status: 'ok', detail: `${db.description}, schema up to date` };
  } finally {
    await db.close();
  }
}

async function checkTemporal(loaded: LoadedConfig, timeoutMs: number): Promise<DoctorCheck> {
  const { address, namespace } = loaded.config.temporal;
  const { Connection } = await import('@temporalio/client');
  let connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.describeNamespace({ namespace });
    return { name: 'temporal', status: 'ok', detail: `Temporal at ${address}, namespace "${namespace}"` };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const missingNamespace = /namespace/i.test(reason ?? '') && /not found/i.test(reason ?? '');
    return {
      name: 'temporal',
      status: 'fail',
      detail: `cannot use Temporal at ${address}: ${reason}`,
      fix: missingNamespace
        ? `Create the namespace: temporal operator namespace create ${namespace}`
        : 'Start one with `br dev` or `docker compose up -d`, or point TEMPORAL_ADDRESS at your cluster.',
    };
  } finally {
    await connection?.close().catch(() => {});
  }
}

function checkApiKey(env: NodeJS.ProcessEnv, cwd: string): DoctorCheck {
  const found = findApiKey({ env, cwd });
  if (!found) {
    return {
      name: 'anthropic key',
      status: 'fail',
      detail: 'ANTHROPIC_API_KEY is not set (environment or .env)',
      fix: 'export ANTHROPIC_API_KEY=sk-ant-… (offline commands such as `br build simulate` work without it).',
    };
  }
  try {
    checkKeyFormat(found.key, found.source === 'environment' ? 'the environment' : '.env');
    return { name: 'anthropic key', status: 'ok', detail: `${maskKey(found.key)} from ${found.source}` };
  } catch (err) {
    return {
      name: 'anthropic key',
      status: 'fail',
      detail: (err as Error).message,
      fix: 'Copy the key again from console.anthropic.com; it starts with sk-ant-.',
    };
  }
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const checks: DoctorCheck[] = [checkNode(options.nodeVersion ?? process.version), await checkGit(env)];
  let loaded: LoadedConfig | null = null;
  try {
    loaded = loadConfig({ cwd, env, file: options.configFile });
    checks.push({
      name: 'config',
      status: 'ok',
      detail: loaded.file ?? 'no buildrunner.config.json (defaults)',
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({
      name: 'config',
      status: 'fail',
      detail: err.message,
      fix: 'Correct the fields named above.',
    });
  }
  if (loaded) {
    const [database, temporal] = await Promise.all([
      checkDatabase(loaded),
      checkTemporal(loaded, options.temporalTimeoutMs ?? 3000),
    ]);
    checks.push(database, temporal);
    const { checkSandbox } = await import('./doctor-sandbox');
    checks.push(checkSandbox(loaded.config.agent.sandbox, loaded.config.agent.network, env));
    const { checkEngine } = await import('./doctor-engine');
    checks.push(checkEngine(loaded.config.agent.engine));
  }
  checks.push(checkApiKey(env, cwd));
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}
