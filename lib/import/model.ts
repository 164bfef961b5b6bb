/**
 * The shape both importers read a task file into, and how it becomes a plan and features: one
 * source task per plan task, statuses through STATUS_TABLE, dependencies checked (no duplicate ids,
 * no dangling reference, no cycle) before anything is written. Pure: no file I/O.
 */
import { createHash } from 'node:crypto';
import type { Feature, FeaturePriority, FeatureStatus } from '../features/schema';
import { findCycle, type Plan, type PlannedTask } from '../plan';
import { ImportError } from './errors';

export type ImportFormat = 'taskmaster' | 'speckit';

export interface SourceTask {
  /** The id as the source writes it: "3", "3.2", "T007". */
  id: string;
  /** Where it is in the source: a JSON path ("tasks[2].subtasks[0]") or "line 14". */
  at: string;
  title: string;
  /** One line. */
  description: string;
  details: string;
  testStrategy: string;
  status: string;
  /** Source ids this task waits for, as resolved source ids. */
  dependencies: string[];
  /** The group (feature) it belongs to: a parent task or a phase. */
  group: string;
  files: string[];
  /** Fields the importer does not map, kept as they were and reported. */
  kept: Record<string, unknown>;
  /** Spec Kit's `[P]` and `[US1]`. */
  marks?: { parallel?: true; story?: string };
}

export interface SourceGroup {
  id: string;
  title: string;
  description: string;
  priority: FeaturePriority;
  /** The group's own status, when the source gives one (a Task Master parent task). */
  status: string | null;
}

export interface ImportModel {
  format: ImportFormat;
  /** Task Master tag, or null. */
  tag: string | null;
  tasks: SourceTask[];
  groups: SourceGroup[];
}

/** What a source status means here. Anything not in the table is refused with its path and id. */
export const STATUS_TABLE: Record<string, { plan: boolean; feature: FeatureStatus | null }> = {
  pending: { plan: true, feature: 'planned' },
  'in-progress': { plan: true, feature: 'in_progress' },
  review: { plan: true, feature: 'in_progress' },
  blocked: { plan: true, feature: 'planned' },
  done: { plan: false, feature: 'complete' },
  deferred: { plan: false, feature: 'planned' },
  cancelled: { plan: false, feature: null },
};

const PREFIX: Record<ImportFormat, string> = { taskmaster: 'tm', speckit: 'sk' };

export function planTaskId(model: Pick<ImportModel, 'format' | 'tag'>, sourceId: string): string {
  const tag = model.tag && model.tag !== 'master' ? `${model.tag}-` : '';
  return `${PREFIX[model.format]}-${tag}${sourceId}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** Duplicate ids, unknown statuses, dangling references and cycles, each naming the path and id. */
export function checkModel(model: ImportModel, sourcePath: string): void {
  const byId = new Map<string, SourceTask>();
  const byPlanId = new Map<string, SourceTask>();
  for (const task of model.tasks) {
    const other = byId.get(task.id);
    if (other)
      throw new ImportError(
        'IMPORT_DUPLICATE_ID',
        `${sourcePath}: task id "${task.id}" is used twice (${other.at} and ${task.at}).`,
        { path: sourcePath, id: task.id },
      );
    byId.set(task.id, task);
    // "1/2" and "1-2" are different source ids but the same plan task id (and feature id).
    const planId = planTaskId(model, task.id);
    const same = byPlanId.get(planId);
    if (same)
      throw new ImportError(
        'IMPORT_DUPLICATE_ID',
        `${sourcePath}: task ids "${same.id}" (${same.at}) and "${task.id}" (${task.at}) both become the plan task id "${planId}"; rename one.`,
        { path: sourcePath, id: task.id },
      );
    byPlanId.set(planId, task);
    // Own keys only: "constructor" or "toString" are `in` every object and would pass as statuses.
    if (!Object.hasOwn(STATUS_TABLE, task.status))
      throw new ImportError(
        'IMPORT_UNKNOWN_STATUS',
        `${sourcePath}: task "${task.id}" (${task.at}) has status "${task.status}"; known: ${Object.keys(STATUS_TABLE).join(', ')}.`,
        { path: sourcePath, id: task.id },
      );
  }
  for (const task of model.tasks)
    for (const dep of task.dependencies)
      if (!byId.has(dep))
        throw new ImportError(
          'IMPORT_DANGLING_DEPENDENCY',
          `${sourcePath}: task "${task.id}" (${task.at}) depends on "${dep}", which is not in the file.`,
          { path: sourcePath, id: task.id },
        );
  const cycle = findCycle(
    model.tasks.map((t) => ({ id: t.id, dependsOn: t.dependencies }) as unknown as PlannedTask),
  );
  if (cycle)
    throw new ImportError(
      'IMPORT_CYCLE',
      `${sourcePath}: the dependencies form a cycle: ${cycle.join(' -> ')}.`,
      { path: sourcePath, id: cycle[0]! },
    );
}

export interface LedgerEntry {
  /** The source id. */
  id: string;
  /** sha256 of the source task as read (16 hex): a changed hash is a changed task. */
  hash: string;
  planTaskId: string;
  status: string;
  /** Not in the plan (done, deferred, cancelled): the task as read, so an export can write it back. */
  unplanned?: SourceTask;
  /** Dependencies on tasks that are not planned, which the plan cannot hold. */
  droppedDependencies?: string[];
  kept?: Record<string, unknown>;
  marks?: SourceTask['marks'];
}

export interface ImportResult {
  plan: Plan;
  features: Feature[];
  /** One entry per source task, in source order (an array: numeric ids would reorder an object's keys). */
  ledger: LedgerEntry[];
  /** By group id: the group as read, for the export. */
  groups: SourceGroup[];
  /** Dependencies on tasks that are not planned, dropped from the plan (done ones are met). */
  dropped: { task: string; on: string; status: string }[];
  keptFields: Record<string, number>;
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function description(task: SourceTask): string {
  return [task.description, task.details ? `Details:\n${task.details}` : ''].filter(Boolean).join('\n\n');
}

/** The plan and features a model stands for. Call checkModel first. */
export function toPlan(model: ImportModel, project: string, now: Date): ImportResult {
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  const ledger: LedgerEntry[] = [];
  const entryOf = new Map<string, LedgerEntry>();
  const dropped: ImportResult['dropped'] = [];
  const keptFields: Record<string, number> = {};
  const tasks: PlannedTask[] = [];
  for (const task of model.tasks) {
    const planned = STATUS_TABLE[task.status]!.plan;
    const id = planTaskId(model, task.id);
    const kept = Object.keys(task.kept).length ? { kept: task.kept } : {};
    for (const field of Object.keys(task.kept)) keptFields[field] = (keptFields[field] ?? 0) + 1;
    const entry: LedgerEntry = {
      id: task.id,
      hash: hashOf(task),
      planTaskId: id,
      status: task.status,
      ...(planned ? {} : { unplanned: task }),
      ...kept,
      ...(task.marks ? { marks: task.marks } : {}),
    };
    ledger.push(entry);
    entryOf.set(task.id, entry);
    if (!planned) continue;
    const dependsOn: string[] = [];
    for (const dep of task.dependencies) {
      const target = byId.get(dep)!;
      if (STATUS_TABLE[target.status]!.plan) dependsOn.push(planTaskId(model, dep));
      else {
        dropped.push({ task: task.id, on: dep, status: target.status });
        (entryOf.get(task.id)!.droppedDependencies ??= []).push(dep);
      }
    }
    tasks.push({
      id,
      title: task.title,
      description: description(task),
      acceptance: task.testStrategy ? [task.testStrategy] : [],
      dependsOn,
      files: task.files,
      features: [planTaskId(model, task.group)],
    });
  }
  const features: Feature[] = [];
  const byGroup = membersByGroup(model.tasks);
  for (const group of model.groups) {
    const members = byGroup.get(group.id) ?? [];
    const status = featureStatus(group, members);
    if (!status) continue;
    features.push({
      id: planTaskId(model, group.id),
      title: group.title,
      description: group.description,
      status,
      priority: group.priority,
      required: false,
      tasks: members.filter((t) => STATUS_TABLE[t.status]!.plan).map((t) => planTaskId(model, t.id)),
      updatedAt: now.toISOString(),
    });
  }
  return {
    plan: { project, tasks, source: 'heuristic' },
    features,
    ledger,
    groups: model.groups,
    dropped,
    keptFields,
  };
}

/** Tasks by group, in source order: read once, so 100 000 groups are not each a pass over every task. */
export function membersByGroup(tasks: SourceTask[]): Map<string, SourceTask[]> {
  const out = new Map<string, SourceTask[]>();
  for (const task of tasks) {
    const list = out.get(task.group);
    if (list) list.push(task);
    else out.set(task.group, [task]);
  }
  return out;
}

function featureStatus(group: SourceGroup, members: SourceTask[]): FeatureStatus | null {
  if (group.status !== null)
    return (
      (Object.hasOwn(STATUS_TABLE, group.status) ? STATUS_TABLE[group.status]!.feature : null) ?? 'planned'
    );
  const live = members.filter((t) => STATUS_TABLE[t.status]!.feature !== null);
  if (!live.length) return null;
  if (live.every((t) => t.status === 'done')) return 'complete';
  return live.some((t) => STATUS_TABLE[t.status]!.feature !== 'planned') ? 'in_progress' : 'planned';
}

/**
 * The source tasks an import stands for, read back from its plan and ledger: planned tasks from the
 * plan (what a build runs), the others from the ledger. The exporters write these back.
 */
export function sourceTasksFrom(
  model: Pick<ImportModel, 'format' | 'tag'>,
  plan: Plan,
  ledger: LedgerEntry[],
  groups: SourceGroup[],
): SourceTask[] {
  const planned = new Map(plan.tasks.map((t) => [t.id, t]));
  const sourceOf = new Map(ledger.map((e) => [e.planTaskId, e.id]));
  const groupOf = new Map(groups.map((g) => [planTaskId(model, g.id), g.id]));
  return ledger.map((entry): SourceTask => {
    const id = entry.id;
    if (entry.unplanned) return entry.unplanned;
    const task = planned.get(entry.planTaskId);
    if (!task) throw new Error(`The plan has no task ${entry.planTaskId} for source task ${id}.`);
    const split = task.description.startsWith('Details:\n') ? 0 : task.description.indexOf('\n\n');
    const [description, details] =
      split < 0
        ? [task.description, '']
        : [task.description.slice(0, split), task.description.slice(split).replace(/^\n*Details:\n/, '')];
    return {
      id,
      at: '',
      title: task.title,
      description,
      details,
      testStrategy: task.acceptance[0] ?? '',
      status: entry.status,
      dependencies: [
        ...task.dependsOn.map((d) => sourceOf.get(d) ?? d),
        ...(entry.droppedDependencies ?? []),
      ],
      group: groupOf.get(task.features?.[0] ?? '') ?? id,
      files: task.files,
      kept: entry.kept ?? {},
      ...(entry.marks ? { marks: entry.marks } : {}),
    };
  });
}
