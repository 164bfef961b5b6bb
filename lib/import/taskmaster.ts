/**
 * Task Master `tasks.json`: the legacy `{ "tasks": [...] }` and the tagged `{ "<tag>": { "tasks": [...] } }`
 * formats read into an ImportModel, and written back from an import (the export the round-trip test
 * checks). A task with subtasks stays a task that waits for them: its test strategy checks the whole.
 */
import { featurePriority, type FeaturePriority } from '../features/schema';
import { jsonErrorOffset } from '../features/json-error';
import { ImportError } from './errors';
import { membersByGroup, type ImportModel, type SourceGroup, type SourceTask } from './model';

const TASK_FIELDS = new Set([
  'id',
  'title',
  'description',
  'status',
  'dependencies',
  'priority',
  'details',
  'testStrategy',
  'subtasks',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneLine = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface TaskmasterSource {
  model: ImportModel;
  /** Legacy files have no tag level; the export writes the same shape back. */
  tagged: boolean;
  /** Fields beside `tasks` (metadata), kept as they were. */
  extra: Json;
}

export function readTaskmaster(content: string, sourcePath: string, wantedTag?: string): TaskmasterSource {
  let root: unknown;
  try {
    root = JSON.parse(content);
  } catch (err) {
    const offset = Math.max(0, jsonErrorOffset(content));
    const line = content.slice(0, offset).split('\n').length;
    throw new ImportError(
      'IMPORT_BAD_JSON',
      `${sourcePath} is not JSON (line ${line}): ${(err as Error).message}`,
      { path: sourcePath },
    );
  }
  if (!isObject(root))
    throw new ImportError('IMPORT_BAD_SHAPE', `${sourcePath}: expected an object with "tasks".`, {
      path: sourcePath,
    });
  const tagged = !Array.isArray(root.tasks);
  let tag = 'master';
  let list: Json = root;
  if (tagged) {
    const tags = Object.keys(root).filter((k) => isObject(root[k]) && Array.isArray(root[k].tasks));
    if (!tags.length)
      throw new ImportError(
        'IMPORT_BAD_SHAPE',
        `${sourcePath}: no "tasks" list, neither at the top ({ "tasks": [...] }) nor under a tag ({ "master": { "tasks": [...] } }).`,
        { path: sourcePath },
      );
    tag = wantedTag ?? (tags.includes('master') ? 'master' : tags.length === 1 ? tags[0]! : '');
    if (!tags.includes(tag))
      throw new ImportError(
        'IMPORT_TAG',
        `${sourcePath} has the tags ${tags.join(', ')}${wantedTag ? `, not "${wantedTag}"` : ''}: choose one with --tag.`,
        { path: sourcePath },
      );
    list = root[tag] as Json;
  } else if (wantedTag && wantedTag !== 'master')
    throw new ImportError('IMPORT_TAG', `${sourcePath} has no tags (legacy format): drop --tag.`, {
      path: sourcePath,
    });

  const base = tagged ? `${tag}.tasks` : 'tasks';
  const tasks: SourceTask[] = [];
  const groups: SourceGroup[] = [];
  (list.tasks as unknown[]).forEach((raw, i) => {
    const at = `${base}[${i}]`;
    const task = readTask(raw, at, sourcePath, null);
    const subtasks = isObject(raw) && Array.isArray(raw.subtasks) ? raw.subtasks : [];
    const children = subtasks.map((sub, j) => readTask(sub, `${at}.subtasks[${j}]`, sourcePath, task.id));
    groups.push({
      id: task.id,
      title: task.title,
      description: task.description,
      priority: priorityOf(isObject(raw) ? raw.priority : undefined, at, sourcePath, task.id),
      status: task.status,
    });
    tasks.push({ ...task, dependencies: [...task.dependencies, ...children.map((c) => c.id)] }, ...children);
  });
  const extra = Object.fromEntries(Object.entries(list).filter(([k]) => k !== 'tasks'));
  return { model: { format: 'taskmaster', tag, tasks, groups }, tagged, extra };
}

function priorityOf(value: unknown, at: string, sourcePath: string, id: string): FeaturePriority {
  if (value === undefined || value === null) return 'medium';
  const parsed = featurePriority.safeParse(value);
  if (!parsed.success)
    throw new ImportError(
      'IMPORT_UNKNOWN_PRIORITY',
      `${sourcePath}: task "${id}" (${at}) has priority ${JSON.stringify(value)}; known: ${featurePriority.options.join(', ')}.`,
      { path: sourcePath, id },
    );
  return parsed.data;
}

function readTask(raw: unknown, at: string, sourcePath: string, parent: string | null): SourceTask {
  const fail = (what: string, id: string | null = null): never => {
    throw new ImportError('IMPORT_BAD_SHAPE', `${sourcePath}: ${at} ${what}.`, { path: sourcePath, id });
  };
  if (!isObject(raw)) return fail('is not an object');
  if (typeof raw.id !== 'number' && typeof raw.id !== 'string') return fail('has no "id"');
  const local = String(raw.id);
  const id = parent === null ? local : `${parent}.${local}`;
  if (typeof raw.title !== 'string' || !raw.title.trim()) return fail('has no "title"', id);
  const deps = raw.dependencies ?? [];
  if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'number' && typeof d !== 'string'))
    return fail('has "dependencies" that are not a list of ids', id);
  // In a subtask, a bare number names a sibling subtask ("2" in task 3 is 3.2); "1.2" names any subtask.
  const dependencies = deps.map((d) =>
    parent !== null && typeof d === 'number' ? `${parent}.${d}` : String(d),
  );
  const kept = Object.fromEntries(
    Object.entries(raw).filter(([k]) => !TASK_FIELDS.has(k) || (parent !== null && k === 'priority')),
  );
  return {
    id,
    at,
    title: oneLine(raw.title),
    description: oneLine(raw.description),
    details: text(raw.details),
    testStrategy: text(raw.testStrategy),
    status: typeof raw.status === 'string' ? raw.status.trim() : 'pending',
    dependencies,
    group: parent ?? id,
    files: [],
    kept,
  };
}

/** A tasks.json from source tasks and groups, in the shape it was read from. */
export function writeTaskmaster(
  tasks: SourceTask[],
  groups: SourceGroup[],
  meta: { tag: string; tagged: boolean; extra: Json },
): Json {
  const priority = new Map(groups.map((g) => [g.id, g.priority]));
  const depOut = (dep: string, parent: string | null): number | string => {
    if (parent !== null && dep.startsWith(`${parent}.`) && /^\d+$/.test(dep.slice(parent.length + 1)))
      return Number(dep.slice(parent.length + 1));
    return /^\d+$/.test(dep) ? Number(dep) : dep;
  };
  const shape = (t: SourceTask, parent: string | null): Json => {
    const local = parent === null ? t.id : t.id.slice(parent.length + 1);
    const own = parent === null ? t.dependencies.filter((d) => !d.startsWith(`${t.id}.`)) : t.dependencies;
    return {
      id: /^\d+$/.test(local) ? Number(local) : local,
      title: t.title,
      description: t.description,
      status: t.status,
      dependencies: own.map((d) => depOut(d, parent)),
      ...(parent === null ? { priority: priority.get(t.id) ?? 'medium' } : {}),
      details: t.details,
      testStrategy: t.testStrategy,
      ...t.kept,
    };
  };
  const top = tasks.filter((t) => t.group === t.id);
  const members = membersByGroup(tasks);
  const list = top.map((t) => {
    const subtasks = (members.get(t.id) ?? []).filter((s) => s.id !== t.id).map((s) => shape(s, t.id));
    return { ...shape(t, null), ...(subtasks.length ? { subtasks } : {}) };
  });
  const body = { tasks: list, ...meta.extra };
  return meta.tagged ? { [meta.tag]: body } : body;
}
