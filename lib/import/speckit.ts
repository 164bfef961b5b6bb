/**
 * Spec Kit `tasks.md` read into an ImportModel, and written back. Tasks are the `- [ ] T001 …` lines;
 * `[P]` marks a task that may run beside the others of its phase, so only unmarked tasks wait for the
 * task before them; each phase waits for the tasks the phase before it ends with; the Dependencies
 * section adds "T008 blocks T009, T015", "T010 depends on T008" and "Tests (T004-T007) before
 * implementation (T008-T014)". Format, examples, notes and checklists are not tasks.
 */
import { ImportError } from './errors';
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
      if (!phase && /^dependencies\b/i.test(name)) mode = 'dependencies';
      else if (!phase && NOT_WORK.test(name)) mode = 'other';
      else {
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
  structuralDependencies(tasks, groups);
  const { explicit, ignored } = explicitDependencies(depLines, tasks, groups, sourcePath);
  for (const [task, on] of explicit) {
    const t = tasks.find((x) => x.id === task);
    if (t && !t.dependencies.includes(on)) t.dependencies.push(on);
  }
  const clean: SourceTask[] = tasks.map(({ parallel: _parallel, ...t }) => t);
  return { model: { format: 'speckit', tag: null, tasks: clean, groups }, title, ignored, explicit };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'tasks';

/** Unmarked tasks wait for the task before them in the phase; a phase waits for the last tasks of the one before. */
export function structuralDependencies(tasks: Parsed[], groups: SourceGroup[]): void {
  let previousEnds: string[] = [];
  for (const group of groups) {
    const members = tasks.filter((t) => t.group === group.id);
    if (!members.length) continue;
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

function idsIn(text: string, tasks: Parsed[], groups: SourceGroup[]): string[] | null {
  const ids: string[] = [];
  for (const m of text.matchAll(/\b(T)(\d+)(?:\s*[-–]\s*T?(\d+))?\b/g)) {
    const width = m[2]!.length;
    const from = Number(m[2]);
    const to = m[3] ? Number(m[3]) : from;
    for (let n = from; n <= to; n++) ids.push(`T${String(n).padStart(width, '0')}`);
  }
  if (ids.length) return ids;
  const word = text
    .replace(/[^A-Za-z ]/g, ' ')
    .trim()
    .toLowerCase();
  if (!word) return null;
  const phase = groups.find(
    (g) => g.title.toLowerCase().includes(word) || word.includes(g.title.toLowerCase()),
  );
  return phase ? tasks.filter((t) => t.group === phase.id).map((t) => t.id) : null;
}

function explicitDependencies(
  lines: { text: string; line: number }[],
  tasks: Parsed[],
  groups: SourceGroup[],
  sourcePath: string,
): { explicit: [string, string][]; ignored: string[] } {
  const known = new Set(tasks.map((t) => t.id));
  const explicit: [string, string][] = [];
  const ignored: string[] = [];
  for (const { text, line } of lines) {
    const m = /^(.*?)\s+(blocks|before|depends on|requires|after|needs)\s+(.*)$/i.exec(
      text.replace(/\*\*/g, ''),
    );
    const left = m ? idsIn(m[1]!, tasks, groups) : null;
    const right = m ? idsIn(m[3]!, tasks, groups) : null;
    if (!m || !left || !right) {
      ignored.push(`line ${line}: ${text}`);
      continue;
    }
    for (const id of [...left, ...right])
      if (!known.has(id))
        throw new ImportError(
          'IMPORT_DANGLING_DEPENDENCY',
          `${sourcePath}: line ${line} ("${text}") names ${id}, which is not a task in the file.`,
          { path: sourcePath, id },
        );
    const forward = /^(blocks|before)$/i.test(m[2]!);
    const [first, then] = forward ? [left, right] : [right, left];
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
  for (const group of groups) {
    const members = tasks.filter((t) => t.group === group.id);
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
