import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import { findApiKey, requireApiKey } from '../activities/api-key';
import { UserError } from '../lib/errors';
import { validatePlan, type Plan } from '../lib/plan';
import { readSpecPlan } from '../lib/planner/heuristic';
import type { SectionReading } from '../lib/planner/reading';
import { attachRequirements, parseRequirements } from '../lib/requirements';
import { failedStep } from '../lib/failure-hints';
import { planProblemCode } from '../lib/planner/spec-input';
import { withDatabase, type ServiceContext } from './context';
import { readSpecFile } from './spec-file';

/**
 * One plan from preview to build: the rule that picks the planner (Claude when a key is set, unless
 * the heuristic planner is asked for), the plan hash both `br plan` and `br build start` print, and the
 * plan file (`br plan --out`) that `br build start --plan` builds exactly.
 */

export type PlannerChoice = 'heuristic' | 'claude';

export const NO_KEY_NOTE =
  'No ANTHROPIC_API_KEY found: used the offline heuristic planner (set the key, or pass --ai-plan, for the Claude planner).';

export function choosePlanner(
  ctx: Pick<ServiceContext, 'env' | 'cwd'>,
  explicit?: PlannerChoice,
): { planner: PlannerChoice; note: string | null } {
  if (explicit) return { planner: explicit, note: null };
  const found = findApiKey({ env: ctx.env, cwd: ctx.cwd });
  return found ? { planner: 'claude', note: null } : { planner: 'heuristic', note: NO_KEY_NOTE };
}

/** The project name everywhere (plans, builds, simulations): `project` from the config, else the repository folder. */
export function projectName(ctx: Pick<ServiceContext, 'config' | 'root'>): string {
  return ctx.config.project ?? path.basename(ctx.root);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** 16 hex of sha256 over the plan's tasks in canonical JSON: key order and whitespace do not matter. */
export function planHash(plan: Plan): string {
  return createHash('sha256').update(canonical(plan.tasks)).digest('hex').slice(0, 16);
}

export interface PlanFile {
  format: 'buildrunner-plan/1';
  planHash: string;
  /** The spec the plan was made from, relative to the folder `br plan` ran in, and its sha256. */
  specPath: string;
  specHash: string;
  planner: PlannerChoice;
  plan: Plan;
}

export function specSha(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function writePlanFile(ctx: ServiceContext, outPath: string, file: Omit<PlanFile, 'format'>): string {
  const target = path.resolve(ctx.cwd, outPath);
  writeFileSync(target, `${JSON.stringify({ format: 'buildrunner-plan/1', ...file }, null, 2)}\n`);
  return target;
}

/**
 * Reads a plan file and checks it: its format, a valid plan, a hash that matches its tasks (an edited
 * plan must be re-hashed on purpose: `br plan --out` again), and, when given, the spec it was made from.
 */
export function readPlanFile(ctx: ServiceContext, planPath: string, specContent?: string): PlanFile {
  const file = path.resolve(ctx.cwd, planPath);
  if (!existsSync(file))
    throw new UserError(
      `Plan file not found: ${planPath}. Write one with \`br plan SPEC.md --out ${planPath}\`.`,
    );
  let parsed: PlanFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
  } catch (err) {
    throw new UserError(
      `${planPath} is not JSON (${(err as Error).message}). Write it with \`br plan --out\`.`,
    );
  }
  if (parsed?.format !== 'buildrunner-plan/1' || !parsed.plan || !Array.isArray(parsed.plan.tasks))
    throw new UserError(
      `${planPath} is not a BuildRunner plan file. Write one with \`br plan SPEC.md --out ${planPath}\`.`,
    );
  const misshapen = parsed.plan.tasks.findIndex(
    (t) =>
      typeof t?.id !== 'string' ||
      typeof t.title !== 'string' ||
      typeof t.description !== 'string' ||
      ![t.acceptance, t.dependsOn, t.files].every(
        (list) => Array.isArray(list) && list.every((x) => typeof x === 'string'),
      ),
  );
  if (misshapen >= 0)
    throw new UserError(
      `Task ${misshapen + 1} in ${planPath} lacks a string id, title or description, or a list of acceptance, dependsOn or files.`,
    );
  const problems = validatePlan(parsed.plan);
  if (problems.length)
    throw new UserError(`The plan in ${planPath} is not valid: ${problems.map((p) => p.message).join(' ')}`);
  const actual = planHash(parsed.plan);
  if (actual !== parsed.planHash)
    throw new UserError(
      `The tasks in ${planPath} do not match its hash ${parsed.planHash} (they hash to ${actual}): the file was edited. ` +
        'Re-create it with `br plan --out`, or set "planHash" to the new value if the edit was deliberate.',
    );
  if (specContent !== undefined && specSha(specContent) !== parsed.specHash)
    throw new UserError(
      `The spec changed since ${planPath} was written from ${parsed.specPath}. Review the new plan with \`br plan --out ${planPath}\`.`,
    );
  return parsed;
}

export interface ProducedPlan {
  plan: Plan;
  planHash: string;
  planner: PlannerChoice;
  note: string | null;
  /** What planning cost (Claude calls), decimal USD. */
  spentUsd: string;
  /** How the heuristic planner read each section (none for Claude). */
  readings?: SectionReading[];
}

/**
 * Plans a spec with the chosen planner. The Claude planner runs under the build's fallback policy
 * (claude-planning.ts); its calls are recorded as cost rows like any other.
 */
export async function producePlan(
  ctx: ServiceContext,
  options: { specPath: string; planner?: PlannerChoice; notice?: (line: string) => void },
): Promise<ProducedPlan & { spec: string }> {
  const spec = readSpecFile(ctx, options.specPath);
  const project = projectName(ctx);
  const { planner, note } = choosePlanner(ctx, options.planner);
  if (planner === 'heuristic') {
    const read = readSpecPlan(spec, project);
    const plan: Plan = attachRequirements({ ...read.plan, project }, parseRequirements(spec));
    const problems = validatePlan(plan);
    if (problems.length) {
      const code = planProblemCode(problems);
      throw new UserError(failedStep('Planning', code, problems.map((p) => p.message).join(' ')), { code });
    }
    return { plan, planHash: planHash(plan), planner, note, spentUsd: '0', spec, readings: read.readings };
  }
  const apiKey = requireApiKey({ env: ctx.env, cwd: ctx.cwd }).key;
  const { planWithFallback } = await import('./claude-planning');
  const buildId = `plan-${specSha(spec).slice(0, 12)}`;
  const result = await withDatabase(ctx, (db) =>
    planWithFallback(ctx, { db, apiKey, project, spec, buildId, notice: options.notice }),
  );
  const plan = attachRequirements(result.plan, parseRequirements(spec));
  return {
    plan,
    planHash: planHash(plan),
    planner,
    note,
    spentUsd: new Decimal(result.costUsd).toFixed(),
    spec,
  };
}
