import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readFeatures, writeFeatures } from '../activities/features/store';
import type { Feature } from '../lib/features/schema';
import { UserError } from '../lib/errors';
import { ImportError } from '../lib/import/errors';
import { formatBytes } from '../lib/planner/spec-input';
import {
  checkModel,
  hashOf,
  membersByGroup,
  planTaskId,
  toPlan,
  type ImportFormat,
  type ImportModel,
  type LedgerEntry,
  type SourceGroup,
} from '../lib/import/model';
import { readSpeckit } from '../lib/import/speckit';
import { readTaskmaster } from '../lib/import/taskmaster';
import type { ServiceContext } from './context';
import { planHash, projectName, specSha, writePlanFile } from './plan-source';

/**
 * `br import taskmaster|speckit`: a task file read into a plan file that `br build start --plan`
 * builds exactly, and features into features.json. Dry run unless `apply`; the source is only read.
 * A ledger of source ids and hashes (beside the plan) makes a re-run a no-op and a changed source
 * update only the features whose tasks changed.
 */

export interface ImportOptions {
  format: ImportFormat;
  sourcePath: string;
  apply?: boolean;
  /** Where the plan file goes; default `.buildrunner/imports/<format>[-<tag>].plan.json`. */
  outPath?: string;
  tag?: string;
}

export interface LedgerFile {
  format: 'buildrunner-import-ledger/1';
  source: string;
  sourceFormat: ImportFormat;
  tag: string | null;
  planFile: string;
  /** What the export needs that the plan cannot hold: the source's own fields beside its tasks. */
  meta: Record<string, unknown>;
  groups: SourceGroup[];
  groupHashes: Record<string, string>;
  entries: LedgerEntry[];
}

export interface ImportReport {
  format: ImportFormat;
  source: string;
  tag: string | null;
  applied: boolean;
  /** Nothing changed since the last applied import: nothing was (or would be) written. */
  noop: boolean;
  planFile: string;
  ledgerFile: string;
  planHash: string;
  planned: number;
  notPlanned: { id: string; status: string }[];
  tasks: { added: string[]; changed: string[]; removed: string[]; unchanged: number };
  features: { added: string[]; updated: string[]; removed: string[]; unchanged: number };
  droppedDependencies: { task: string; on: string; status: string }[];
  keptFields: Record<string, number>;
  /** Spec Kit dependency lines that named nothing the importer could find. */
  ignored: string[];
}

const rel = (ctx: ServiceContext, file: string) => path.relative(ctx.cwd, file).split(path.sep).join('/');

function readSource(ctx: ServiceContext, options: ImportOptions) {
  const file = path.resolve(ctx.cwd, options.sourcePath);
  if (!existsSync(file))
    throw new UserError(`Task file not found: ${options.sourcePath}.`, { code: 'SPEC_MISSING' });
  const content = readBounded(ctx, file, options.sourcePath);
  if (options.format === 'taskmaster') {
    const read = readTaskmaster(content, options.sourcePath, options.tag);
    return { content, model: read.model, meta: { tagged: read.tagged, extra: read.extra }, ignored: [] };
  }
  if (options.tag) throw new UserError('--tag is for Task Master files; Spec Kit tasks.md has no tags.');
  const read = readSpeckit(content, options.sourcePath);
  return { content, model: read.model, meta: { title: read.title }, ignored: read.ignored };
}

/**
 * The source's bytes, refused before they are read when over `planner.maxImportBytes` (the size is
 * read first, as for specs) or when it is not a regular file: a FIFO would block the open until a
 * writer comes, and /dev/zero never ends.
 */
function readBounded(ctx: ServiceContext, file: string, sourcePath: string): string {
  const stat = statSync(file);
  if (!stat.isFile())
    throw new ImportError(
      'IMPORT_NOT_A_FILE',
      `${sourcePath} is ${stat.isDirectory() ? 'a directory' : 'not a regular file (a pipe, socket or device)'}; ` +
        'import a task file saved on disk.',
      { path: sourcePath },
    );
  const maxBytes = ctx.config.planner.maxImportBytes;
  if (stat.size > maxBytes)
    throw new ImportError(
      'IMPORT_TOO_LARGE',
      `The task file ${sourcePath} is ${formatBytes(stat.size)} (${stat.size} bytes), over the importer's limit of ` +
        `${formatBytes(maxBytes)} (planner.maxImportBytes = ${maxBytes}).`,
      { path: sourcePath },
    );
  return readFileSync(file, 'utf8');
}

/** The ledger of the last applied import, or null; a ledger that is not one is refused, naming it. */
function readLedger(ctx: ServiceContext, ledgerFile: string): LedgerFile | null {
  if (!existsSync(ledgerFile)) return null;
  const name = rel(ctx, ledgerFile);
  let problem: string | null = null;
  let data: unknown = null;
  try {
    data = JSON.parse(readFileSync(ledgerFile, 'utf8'));
  } catch (err) {
    problem = `is not JSON (${(err as Error).message})`;
  }
  const ledger = data as Partial<LedgerFile> | null;
  if (!problem) {
    if (!ledger || typeof ledger !== 'object' || ledger.format !== 'buildrunner-import-ledger/1')
      problem = 'is not a BuildRunner import ledger (format "buildrunner-import-ledger/1")';
    else if (
      !Array.isArray(ledger.entries) ||
      !ledger.entries.every((e) => e && typeof e.id === 'string' && typeof e.hash === 'string')
    )
      problem = 'has no list of entries, each with a source id and hash';
    else if (!Array.isArray(ledger.groups) || !ledger.groups.every((g) => g && typeof g.id === 'string'))
      problem = 'has no list of groups, each with an id';
    else if (!ledger.groupHashes || typeof ledger.groupHashes !== 'object') problem = 'has no group hashes';
    else if (ledger.sourceFormat !== 'taskmaster' && ledger.sourceFormat !== 'speckit')
      problem = 'names no source format (taskmaster or speckit)';
  }
  if (problem)
    throw new ImportError(
      'IMPORT_BAD_LEDGER',
      `The import ledger ${name} ${problem}. Delete it (the next import then reports every task as added ` +
        'and rewrites the plan and features) or restore it from version control, then run the import again.',
      { path: name },
    );
  return ledger as LedgerFile;
}

function groupHashes(model: ImportModel, entries: LedgerEntry[]): Record<string, string> {
  const hash = new Map(entries.map((e) => [e.id, e.hash]));
  const members = membersByGroup(model.tasks);
  return Object.fromEntries(
    model.groups.map((g) => [g.id, hashOf([g, (members.get(g.id) ?? []).map((t) => hash.get(t.id))])]),
  );
}

export function importTasks(ctx: ServiceContext, options: ImportOptions, now = new Date()): ImportReport {
  const { content, model, meta, ignored } = readSource(ctx, options);
  checkModel(model, options.sourcePath);
  const result = toPlan(model, projectName(ctx), now);
  // The tag comes from the task file: one path segment of safe characters, so "x/../../../tmp/a"
  // cannot put the plan and ledger outside .buildrunner/imports.
  const tagPart = model.tag && model.tag !== 'master' ? `-${model.tag.replace(/[^A-Za-z0-9._-]/g, '-')}` : '';
  const name = `${options.format}${tagPart}`;
  const dir = path.join(ctx.root, '.buildrunner', 'imports');
  const ledgerFile = path.join(dir, `${name}.ledger.json`);
  const planFile = path.resolve(ctx.cwd, options.outPath ?? path.join(dir, `${name}.plan.json`));
  const old = readLedger(ctx, ledgerFile);
  const before = new Map((old?.entries ?? []).map((e) => [e.id, e.hash]));
  const current = new Map(result.ledger.map((e) => [e.id, e.hash]));
  const tasks = {
    added: result.ledger.filter((e) => !before.has(e.id)).map((e) => e.id),
    changed: result.ledger.filter((e) => before.has(e.id) && before.get(e.id) !== e.hash).map((e) => e.id),
    removed: [...before.keys()].filter((id) => !current.has(id)),
    unchanged: result.ledger.filter((e) => before.get(e.id) === e.hash).length,
  };
  const hashes = groupHashes(model, result.ledger);
  const features = mergeFeatures(readFeatures(ctx.root).features, result.features, model, old, hashes);
  const hash = planHash(result.plan);
  const planUnchanged = existsSync(planFile) && readPlanHash(planFile) === hash;
  const noop =
    old !== null &&
    planUnchanged &&
    !tasks.added.length &&
    !tasks.changed.length &&
    !tasks.removed.length &&
    !features.added.length &&
    !features.updated.length &&
    !features.removed.length;
  if (options.apply && !noop) {
    mkdirSync(path.dirname(planFile), { recursive: true });
    writePlanFile(ctx, planFile, {
      planHash: hash,
      specPath: rel(ctx, path.resolve(ctx.cwd, options.sourcePath)),
      specHash: specSha(content),
      planner: 'heuristic',
      plan: result.plan,
    });
    const data = readFeatures(ctx.root);
    writeFeatures(ctx.root, { ...data, features: features.list });
    const ledger: LedgerFile = {
      format: 'buildrunner-import-ledger/1',
      source: rel(ctx, path.resolve(ctx.cwd, options.sourcePath)),
      sourceFormat: options.format,
      tag: model.tag,
      planFile: rel(ctx, planFile),
      meta,
      groups: result.groups,
      groupHashes: hashes,
      entries: result.ledger,
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(ledgerFile, `${JSON.stringify(ledger, null, 2)}\n`);
  }
  return {
    format: options.format,
    source: options.sourcePath,
    tag: model.tag,
    applied: Boolean(options.apply) && !noop,
    noop,
    planFile: rel(ctx, planFile),
    ledgerFile: rel(ctx, ledgerFile),
    planHash: hash,
    planned: result.plan.tasks.length,
    notPlanned: result.ledger.filter((e) => e.unplanned).map((e) => ({ id: e.id, status: e.status })),
    tasks,
    features: {
      added: features.added,
      updated: features.updated,
      removed: features.removed,
      unchanged: features.unchanged,
    },
    droppedDependencies: result.dropped,
    keptFields: result.keptFields,
    ignored,
  };
}

function readPlanHash(file: string): string | null {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { planHash?: string }).planHash ?? null;
  } catch {
    return null;
  }
}

/**
 * features.json after the import: a feature is added when new, replaced only when its group's
 * source changed (so a status set by hand on an unchanged feature stays), removed when its group left
 * the source; features the import never made are not touched.
 */
function mergeFeatures(
  current: Feature[],
  imported: Feature[],
  model: ImportModel,
  old: LedgerFile | null,
  hashes: Record<string, string>,
) {
  const byId = new Map(imported.map((f) => [f.id, f]));
  const groupOf = new Map(model.groups.map((g) => [planTaskId(model, g.id), g.id]));
  const oldFeatureIds = new Set(
    (old?.groups ?? []).map((g) => planTaskId({ format: old!.sourceFormat, tag: old!.tag }, g.id)),
  );
  const added: string[] = [];
  const updated: string[] = [];
  const removed: string[] = [];
  let unchanged = 0;
  const list: Feature[] = [];
  for (const f of current) {
    const next = byId.get(f.id);
    if (!next) {
      if (oldFeatureIds.has(f.id)) removed.push(f.id);
      else list.push(f);
      continue;
    }
    byId.delete(f.id);
    const group = groupOf.get(f.id);
    if (old && group && old.groupHashes[group] === hashes[group]) {
      unchanged++;
      list.push(f);
    } else {
      updated.push(f.id);
      list.push(next);
    }
  }
  for (const f of byId.values()) {
    added.push(f.id);
    list.push(f);
  }
  return { list, added, updated, removed, unchanged };
}
