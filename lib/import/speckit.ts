/**
 * Spec Kit `tasks.md` read into an ImportModel, and written back. Tasks are the `- [ ] T001 …` lines;
 * `[P]` marks a task that may run beside the others of its phase, so only unmarked tasks wait for the
 * task before them; each phase waits for the tasks the phase before it ends with; the Dependencies
 * section adds "T008 blocks T009, T015", "T010 depends on T008" and "Tests (T004-T007) before
 * implementation (T008-T014)". Format, examples, notes and checklists are not tasks.
 */
import { ImportError } from './errors';
import { IdFinder, MAX_EDGES, membersOf, tooManyEdges } from './speckit-ids';
import type { ImportModel, SourceGroup, SourceTask } from './model';

const TASK = /^\s*[-*]\s+\[( |x|X)\]\s+(T\d+)\b\s*(.*)$/;
const PHASE = /^#{2,4}\s+phase\s+([\d.]+)\s*[:.–—-]?\s*(.*?)\s*$/i;
const HEADING = /^(#{1,4})\s+(.*?)\s*$/;
const NOT_WORK = /format|example|notes?|validation|checklist|execution flow|gate/i;
const PATH =
  /`?(?<![\w./@-])((?:[\w@.-]+\/)+[\w@.-]+\.[A-Za-z0-9]{1,8}|[\w.-]+\.(?:py|ts|tsx|js|jsx|go|rs|java|kt|rb|md|json|ya?ml|sql|css|html|swift|cs))(?![\w/])`?/g;

export interface SpeckitSource {
  model: ImportModel;
  /** "# Tasks: Photo albums" */
  title: string;
  /** Dependency lines that named nothing the importer could find (a phrase without ids or phase). */
  ignored: string[];
  /** Explicit edges from the Dependencies section: [task, waits for]. */
  explicit: [string, string][];
  /** How each heading and dependency line was read, as decided (for `br plan --explain`). */
  readings: { line: number; section: string; reading: string }[];
}

interface Parsed extends SourceTask {
  parallel: boolean;
}

export function readSpeckit(content: string, sourcePath: string): SpeckitSource {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  let title = '';
  let group: SourceGroup | null = null;
  let mode: 'tasks' | 'dependencies' | 'other' = 'tasks';
  let fence = false;
  const groups: SourceGroup[] = [];
  const tasks: Parsed[] = [];
  const depLines: { text: string; line: number }[] = [];
  const readings: SpeckitSource['readings'] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*(```|~~~)/.test(raw)) fence = !fence;
    if (fence || /^\s*(```|~~~)/.test(raw)) return;
    const phase = PHASE.exec(raw);
    const heading = HEADING.exec(raw);
    if (phase || heading) {
      if (heading?.[1] === '#') {
        title = heading[2]!.replace(/^tasks\s*:\s*/i, '');
        return;
      }
      const name = phase ? phase[2]! : heading![2]!;
      const section = { line, section: raw.replace(/^#+\s*/, '').trim() };
      if (!phase && /^dependencies\b/i.test(name)) {
        mode = 'dependencies';
        readings.push({ ...section, reading: 'dependencies: read line by line' });
      } else if (!phase && NOT_WORK.test(name)) {
        mode = 'other';
        readings.push({ ...section, reading: notWork(name) });
      } else {
        readings.push({ ...section, reading: 'task' });
        mode = 'tasks';
        if (phase || heading![1]!.length === 2) {
          group = {
            id: phase ? `phase-${phase[1]}` : slug(name),
            title: name,
            description: '',
            priority: 'medium',
            status: null,
          };
          groups.push(group);
        }
      }
      return;
    }
    if (mode === 'dependencies') {
      if (raw.trim()) depLines.push({ text: raw.replace(/^\s*[-*]\s+/, '').trim(), line });
      return;
    }
    const m = TASK.exec(raw);
    if (!m || mode === 'other') return;
    if (!group) {
      group = { id: 'tasks', title: 'Tasks', description: '', priority: 'medium', status: null };
      groups.push(group);
    }
    let rest = m[3]!;
    const parallel = /\[P\]/.test(rest);
    const story = /\[(US\d+)\]/.exec(rest)?.[1];
    rest = rest
      .replace(/\[P\]\s*/g, '')
      .replace(/\[US\d+\]\s*/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const files = [...new Set([...rest.matchAll(PATH)].map((p) => p[1]!))];
    tasks.push({
      id: m[2]!,
      at: `line ${line}`,
      title: rest,
      description: rest,
      details: '',
      testStrategy: '',
      status: m[1] === ' ' ? 'pending' : 'done',
      dependencies: [],
      group: group.id,
      files,
      kept: {},
      ...(parallel || story
        ? { marks: { ...(parallel ? { parallel: true as const } : {}), ...(story ? { story } : {}) } }
        : {}),
      parallel,
    });
  });
  if (!tasks.length)
    throw new ImportError(
      'IMPORT_NO_TASKS',
      `${sourcePath} has no task lines such as "- [ ] T001 Create the project".`,
      {
        path: sourcePath,
      },
    );
  structuralDependencies(tasks, groups, sourcePath);
  const { explicit, ignored } = explicitDependencies(depLines, tasks, groups, sourcePath, readings);
  const byId = new Map(tasks.map((t) => [t.id, { task: t, deps: new Set(t.dependencies) }]));
  for (const [task, on] of explicit) {
    const t = byId.get(task);
    if (t && !t.deps.has(on)) {
      t.deps.add(on);
      t.task.dependencies.push(on);
    }
  }
  const clean: SourceTask[] = tasks.map(({ parallel: _parallel, ...t }) => t);
  return {
    model: { format: 'speckit', tag: null, tasks: clean, groups },
    title,
    ignored,
    explicit,
    readings,
  };
}

const notWork = (name: string) =>
  /example/i.test(name)
    ? 'skipped: an example'
    : /format/i.test(name)
      ? "skipped: a note on the file's format"
      : /checklist|validation|gate/i.test(name)
        ? 'skipped: a checklist restating other sections'
        : 'skipped: notes about the file, not work';

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'tasks';

/** Unmarked tasks wait for the task before them in the phase; a phase waits for the last tasks of the one before. */
export function structuralDependencies(tasks: Parsed[], groups: SourceGroup[], sourcePath?: string): void {
  let previousEnds: string[] = [];
  const byGroup = membersOf(tasks);
  let total = 0;
  for (const group of groups) {
    const members = byGroup.get(group.id) ?? [];
    if (!members.length) continue;
    // A phase of n [P] tasks after one ending in m gives n × m edges: refused before it is built.
    total += members.length * previousEnds.length;
    if (total > MAX_EDGES) throw tooManyEdges(sourcePath);
    const waitedFor = new Set<string>();
    members.forEach((task, i) => {
      task.dependencies.push(...previousEnds);
      if (i > 0 && !task.parallel) {
        task.dependencies.push(members[i - 1]!.id);
        waitedFor.add(members[i - 1]!.id);
      }
    });
    previousEnds = members.filter((t) => !waitedFor.has(t.id)).map((t) => t.id);
  }
}

function explicitDependencies(
  lines: { text: string; line: number }[],
  tasks: Parsed[],
  groups: SourceGroup[],
  sourcePath: string,
  readings: SpeckitSource['readings'],
): { explicit: [string, string][]; ignored: string[] } {
  const known = new Set(tasks.map((t) => t.id));
  const finder = new IdFinder(tasks, groups);
  const explicit: [string, string][] = [];
  const ignored: string[] = [];
  for (const { text, line } of lines) {
    const m = /^(.*?)\s+(blocks|before|depends on|requires|after|needs)\s+(.*)$/i.exec(
      text.replace(/\*\*/g, ''),
    );
    const left = m ? finder.idsIn(m[1]!) : null;
    const right = m ? finder.idsIn(m[3]!) : null;
    if (!m || !left || !right) {
      ignored.push(`line ${line}: ${text}`);
      readings.push({ line, section: 'Dependencies', reading: 'skipped: names no task or phase' });
      continue;
    }
    readings.push({ line, section: 'Dependencies', reading: `dependency from '${text}'` });
    for (const id of [...left, ...right])
      if (!known.has(id))
        throw new ImportError(
          'IMPORT_DANGLING_DEPENDENCY',
          `${sourcePath}: line ${line} ("${text}") names ${id}, which is not a task in the file.`,
          { path: sourcePath, id },
        );
    const forward = /^(blocks|before)$/i.test(m[2]!);
    const [first, then] = forward ? [left, right] : [right, left];
    if (explicit.length + first.length * then.length > MAX_EDGES) throw tooManyEdges(sourcePath);
    for (const a of then) for (const b of first) if (a !== b) explicit.push([a, b]);
  }
  return { explicit, ignored };
}

/** A tasks.md from source tasks: phases, ids, [P], stories, and the dependencies the structure does not give. */
export function writeSpeckit(tasks: SourceTask[], groups: SourceGroup[], title: string): string {
  const parsed: Parsed[] = tasks.map((t) => ({
    ...t,
    dependencies: [],
    parallel: t.marks?.parallel === true,
  }));
  structuralDependencies(parsed, groups);
  const structural = new Map(parsed.map((t) => [t.id, new Set(t.dependencies)]));
  const out = [`# Tasks: ${title}`, ''];
  const byGroup = membersOf(tasks);
  for (const group of groups) {
    const members = byGroup.get(group.id) ?? [];
    if (!members.length) continue;
    out.push(
      group.id.startsWith('phase-') ? `## Phase ${group.id.slice(6)}: ${group.title}` : `## ${group.title}`,
      '',
    );
    for (const t of members) {
      const marks = [t.marks?.parallel ? '[P]' : '', t.marks?.story ? `[${t.marks.story}]` : '']
        .filter(Boolean)
        .join(' ');
      out.push(`- [${t.status === 'done' ? 'x' : ' '}] ${t.id}${marks ? ` ${marks}` : ''} ${t.description}`);
    }
    out.push('');
  }
  const extra = tasks.flatMap((t) =>
    t.dependencies.filter((d) => !structural.get(t.id)!.has(d)).map((d) => [d, t.id]),
  );
  if (extra.length) {
    out.push('## Dependencies', '');
    for (const [on, task] of extra) out.push(`- ${on} blocks ${task}`);
    out.push('');
  }
  return out.join('\n');
}
