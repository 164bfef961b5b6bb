import { z } from 'zod';
import { DEFAULT_CATALOG, TIER_ORDER, type ModelCatalog, type ModelTier } from './models';
import type { Complexity } from './plan';
import { CONFIG_FILE, ConfigError } from './config-error';
import { DEFAULT_MODEL_QUEUE_PREFIX } from './ids';
import { approvalSchema, deliverySchema } from './gates-config';
import { qualitySchema } from './quality/config';
import { DEFAULT_MAX_IMPORT_BYTES, DEFAULT_MAX_SPEC_BYTES } from './planner/spec-input';
import { positiveUsdSchema, usdSchema } from './usd-schema';
import { notifySchema, pluginsSchema } from './notify/config';

/**
 * buildrunner.config.json plus environment variables, validated at the boundary. Unknown keys and bad
 * values fail with the field path and the expected shape. Secrets (the API key) never live here.
 */

export { CONFIG_FILE, ConfigError };

const priceBand = z.strictObject({
  input: usdSchema,
  output: usdSchema,
  cacheWrite: usdSchema,
  cacheRead: usdSchema,
});
const tier = z.enum(TIER_ORDER as [ModelTier, ...ModelTier[]]);

const modelEntry = z.strictObject({
  id: z.string().min(1),
  tier,
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  speed: z.number().positive().default(1),
  prices: priceBand,
  longContextThreshold: z.number().int().positive().optional(),
  longContextPrices: priceBand.optional(),
});

const catalog = z
  .strictObject({
    priceTableVersion: z.string().min(1),
    models: z.array(modelEntry).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.models.forEach((m, i) => {
      if (seen.has(m.id))
        ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id "${m.id}"` });
      seen.add(m.id);
      if ((m.longContextThreshold === undefined) !== (m.longContextPrices === undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['models', i],
          message: 'longContextThreshold and longContextPrices go together',
        });
    });
  });

const thresholds = z
  .array(z.number().gt(0).lte(1))
  .min(1)
  .refine(
    (a) => a.every((v, i) => i === 0 || v > a[i - 1]!),
    'expected increasing fractions such as [0.5, 0.8, 1]',
  );

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  project: z.string().min(1).optional(),
  models: catalog.default(() => structuredClone<z.output<typeof catalog>>(DEFAULT_CATALOG)),
  routing: z
    .strictObject({
      // Same as DEFAULT_TIERS in workflows/core/types.ts (why: see there); a test keeps them equal.
      simple: tier.default('haiku'),
      moderate: tier.default('haiku'),
      complex: tier.default('sonnet'),
      critical: tier.default('sonnet'),
      maxAttemptsPerTask: z.number().int().min(1).max(20).default(4),
    })
    .prefault({}),
  budget: z
    .strictObject({
      defaultUsd: positiveUsdSchema().default('20'),
      alertThresholds: thresholds.default([0.5, 0.8, 1]),
      /** How long a build whose budget ran out waits for a raise before it ends BUDGET_EXHAUSTED (default 24 h). */
      waitMinutes: z.number().positive().max(525_600).optional(),
    })
    .prefault({}),
  parallel: z.number().int().min(1).max(256).default(4),
  retention: z
    .strictObject({
      days: z.number().int().min(1).default(30),
      archiveDir: z.string().min(1).default('.buildrunner/archive'),
    })
    .prefault({}),
  hooks: z
    .strictObject({
      secretScan: z.boolean().default(true),
      validateFeatures: z.boolean().default(true),
      qualityCommands: z.array(z.string().min(1)).default([]),
      blockPushOnIncompleteRequired: z.boolean().default(true),
      /** pre-push refuses while `br gaps analyze` (gaps.defaultSpec, the working tree) finds a high-severity gap. */
      blockPushOnHighGaps: z.boolean().default(false),
    })
    .prefault({}),
  agent: z
    .strictObject({
      /**
       * Which coding agent runs a task attempt: BuildRunner's own loop, or Claude Code through the Claude
       * Agent SDK (an opt-in install, scripts/install-claude-code.sh). Same contract either way.
       */
      engine: z.enum(['builtin', 'claude-code']).default('builtin'),
      maxTurns: z.number().int().min(1).max(500).default(40),
      maxOutputTokensPerTurn: z.number().int().min(256).default(8192),
      /** Commands the agent may run, matched exactly or as a prefix followed by arguments. */
      allowedCommands: z.array(z.string().min(1)).default(['npm test', 'npm run lint', 'npm run build']),
      commandTimeoutSeconds: z.number().int().min(1).max(3600).default(300),
      verifyCommand: z.string().min(1).optional(),
      /**
       * Model-written code (the agent's commands, verification, task-commit hooks) runs in a bubblewrap
       * sandbox; without one it is refused unless this is explicitly "off" (lib/sandbox/README in README.md).
       */
      sandbox: z.enum(['bwrap', 'off']).default('bwrap'),
      /** Give sandboxed commands the network (off by default: no exfiltration, no surprise downloads). */
      network: z.boolean().default(false),
      /** Names of worker environment variables passed into the sandbox, besides the documented minimum. */
      env: z
        .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'))
        .default([]),
      limits: z
        .strictObject({
          memoryMb: z.number().int().min(64).default(4096),
          processes: z.number().int().min(8).default(512),
          outputBytes: z.number().int().min(1024).default(4_000_000),
          fileSizeMb: z.number().int().min(1).default(1024),
          /** Total size of a task's worktree; a command that grows it past this is killed (README: Security). */
          diskMb: z.number().int().min(16).default(20480),
        })
        .prefault({}),
    })
    .prefault({}),
  planner: z
    .strictObject({
      /** Specs over this many bytes are refused by every command before any planner reads them (README: Spec size). */
      maxSpecBytes: z.number().int().min(1024).default(DEFAULT_MAX_SPEC_BYTES),
      /** Task files (`br import`) over this many bytes are refused before they are read (README: Importing). */
      maxImportBytes: z.number().int().min(1024).default(DEFAULT_MAX_IMPORT_BYTES),
    })
    .prefault({}),
  gaps: z
    .strictObject({
      /** jest-style JSON results (`jest --json --outputFile …`), relative to the repository. */
      testResults: z.string().min(1).default('.buildrunner/test-results.json'),
      /** Regular expression over repository-relative paths; default: test folders and *.test.* / *.spec.* files. */
      testPattern: z.string().min(1).optional(),
      defaultSpec: z.string().min(1).default('PROJECT_SPEC.md'),
    })
    .prefault({}),
  quality: qualitySchema.prefault({}),
  temporal: z
    .strictObject({
      address: z.string().min(1).default('localhost:7233'),
      namespace: z.string().min(1).default('default'),
      taskQueue: z.string().min(1).default('buildrunner'),
      /** Claude activities for model M run on `${prefix}${M}`: a per-model rate limit is a queue setting. */
      modelTaskQueuePrefix: z.string().min(1).default(DEFAULT_MODEL_QUEUE_PREFIX),
      /**
       * The Temporal Web UI serving this namespace. Unset: the one `br dev` started here, if it serves the
       * configured address; otherwise links are left out rather than pointing at a port nothing serves.
       */
      webUiUrl: z.string().url().optional(),
      /**
       * The frontend's HTTP API (`host:port`, the dev server's `--http-port`). With it, and the Web UI for
       * task workflows, `br build status` of a running build is read over HTTP without loading the gRPC
       * client (services/temporal-http.ts). Unset: the one `br dev` started here, if it serves the address.
       */
      httpAddress: z.string().min(1).optional(),
    })
    .prefault({}),
  database: z
    .strictObject({
      url: z.string().min(1).optional(),
      dataDir: z.string().min(1).default('.buildrunner/db'),
      /**
       * How long an agent attempt keeps its cost rows in memory, retrying with backoff, while the database
       * is unreachable, before the attempt fails (activities/claude/attempt/ledger.ts).
       */
      outageWaitSeconds: z.number().int().min(1).max(86_400).default(900),
    })
    .prefault({}),
  /** The design system a build writes before its tasks (br design generate); a spec line can override. */
  design: z
    .strictObject({
      profile: z.string().min(1),
      pattern: z.string().min(1),
      /** A DTCG brand file, relative to the repository root. */
      brand: z.string().min(1).optional(),
      outDir: z.string().min(1).default('design'),
    })
    .optional(),
  /** `br dev` and `br worker`: what the Temporal SDK and the bundler log, into a rotated file. */
  logging: z
    .strictObject({
      level: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
      format: z.enum(['text', 'json']).default('text'),
      dir: z.string().min(1).default('.buildrunner/logs'),
    })
    .prefault({}),
  /** People in the loop: builds wait for `br build approve` / `br build reject` at these gates. */
  approval: approvalSchema.prefault({}),
  /** Where a build's events go (README: Notifications and plugins); secrets only from the worker's environment. */
  notify: notifySchema.prefault({}),
  /** Plugin files (relative to this file's folder) or package names, loaded by the worker, `br plugins` and build start. */
  plugins: pluginsSchema,
  /** What a successful build does with its build branch: `none` leaves it there; `merge` merges it into the base. */
  delivery: deliverySchema.prefault({}),
  anthropic: z
    .strictObject({
      baseUrl: z.string().url().optional(),
      timeoutMs: z.number().int().min(1000).default(600_000),
      /**
       * How long a task waits out an API that is overloaded or failing on every model (529, 5xx, no
       * connection), probing with backoff, before such failures count as attempts (workflows/core/fallback.ts).
       */
      outageWaitMinutes: z.number().int().min(0).max(1440).default(60),
    })
    .prefault({}),
});

export type BuildRunnerConfig = z.output<typeof configSchema>;

export interface LoadedConfig {
  config: BuildRunnerConfig;
  /** The folder holding the config file (or the working folder when there is none). */
  root: string;
  file: string | null;
}

/** A loaded configuration with the environment and folder it was read in: what the worker runs with. */
export interface RuntimeContext extends LoadedConfig {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '')
    : '(root)';
  if (issue.code === 'unrecognized_keys')
    return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where}: ${issue.message}`;
}

/** Validates a parsed config object. `source` names it in errors. */
export function parseConfig(raw: unknown, source = CONFIG_FILE): BuildRunnerConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map(describeIssue);
    throw new ConfigError(`Invalid configuration in ${source}:\n  ${issues.join('\n  ')}`, issues);
  }
  return result.data;
}

export function catalogOf(config: BuildRunnerConfig): ModelCatalog {
  return config.models;
}

export function tierFor(config: BuildRunnerConfig, complexity: Complexity): ModelTier {
  return config.routing[complexity];
}
