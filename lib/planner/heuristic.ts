/**
 * Deterministic heuristic planner: markdown spec → Plan, no AI. Features are the top-level headings
 * that ask for work (`##`, numbered or labelled: "Feature 2: …", "Build A", "1. Setup"), or the
 * headings inside a grouping section such as "Tasks" or "Requirements". A feature's tasks are its
 * unchecked checklist items and numbered steps (which run in order), and its nested headings (a nested
 * heading with its own checklist contributes those items instead). Descriptive sections (overview,
 * current state, risks, timeline, …) yield no task; "Acceptance criteria", "Success criteria",
 * "Deliverables", "Definition of done" become acceptance criteria; "(90 min)" in a heading becomes the
 * task's size hint; code blocks are context. Same input, byte-identical plan; ids are `<feature>-<n>`.
 */
import type { Plan, PlannedTask } from '../plan';
import { parseSpec, splitRefs, type DependsLine, type SpecItem, type SpecNode } from './markdown';
import { attachDocAcceptance, projectAcceptanceTask, resolveDependencies, type Draft } from './dependencies';
import { ReferenceIndex, type Target } from './references';
import { isTaskList, splitLabel, stripTime } from './sections';
import { READ, readingLog, skipReason, type SectionReading } from './reading';
import { chainSections, readChain, resolveChain } from './chain';
import { pathsIn, slugAllocator, slugify } from './slug';
import {
  contextOf,
  criteriaOf,
  groupsLabelledFeatures,
  hasContent,
  isGroup,
  isWork,
  titleOf,
  withMinutes,
} from './nodes';
import { isSpeckitTasks, planSpeckitTasks } from './speckit-tasks';

export { SpecReferenceError } from './dependencies';
export { pathsIn, slugify } from './slug';

const CLAUSE = /\(?\b(?:depends on|after|blocked by):\s*([^).;]+)\)?/gi;

export function planFromMarkdown(markdown: string, fallbackProject = 'project'): Plan {
  return readSpecPlan(markdown, fallbackProject).plan;
}

/** The plan and, for `br plan --explain`, how each section was read, recorded as it was decided. */
export function readSpecPlan(
  markdown: string,
  fallbackProject = 'project',
): { plan: Plan; readings: SectionReading[] } {
  if (isSpeckitTasks(markdown)) return planSpeckitTasks(markdown, fallbackProject);
  const { project, root } = parseSpec(markdown);
  const { readings, read } = readingLog();
  const drafts: Draft[] = [];
  const index = new ReferenceIndex();
  const produced = new Map<SpecNode, string[]>();
  const uniqueSlug = slugAllocator();
  const docAcceptance: string[] = [];
  // Numbered steps run in order unless the spec's dependency chain says what waits for what.
  const order: [string, string, SpecNode][] = [];

  const feature = (node: SpecNode, options: { bulletsAreTasks: boolean; children: boolean }) => {
    const slug = uniqueSlug(node.name || node.title || project || 'spec');
    let n = 0;
    const add = (
      owner: SpecNode,
      text: string,
      body: string[],
      acceptance: string[],
      refs: DependsLine[],
      claims: string[],
      extra: { minutes?: number; label?: { kind: string; label: string | null } } = {},
    ): string => {
      const id = `${slug}-${++n}`;
      const task: PlannedTask = {
        id,
        title: titleOf(text),
        description: body.filter(Boolean).join('\n'),
        acceptance: [...new Set(acceptance)],
        dependsOn: [],
        files: pathsIn(claims.join('\n')),
        features: [slug],
        ...(extra.minutes !== undefined ? { estimateMinutes: extra.minutes } : {}),
      };
      drafts.push({ task, node: owner, refs });
      read(owner, READ.task, id);
      const target: Target = { display: `${id} (${task.title})`, taskIds: [id], scope: task };
      index.add(target, { id, title: task.title, kind: extra.label?.kind, label: extra.label?.label });
      return id;
    };

    const collect = (
      node: SpecNode,
      inherited: { acceptance: string[]; refs: DependsLine[]; context: string[] },
      bulletsAreTasks: boolean,
      withChildren: boolean,
    ): string[] => {
      const ids: string[] = [];
      const acceptance = [
        ...inherited.acceptance,
        ...node.acceptance,
        ...node.children.filter((c) => c.kind === 'acceptance').flatMap(criteriaOf),
      ];
      const refs = [...inherited.refs, ...node.depends];
      const context = [...inherited.context, contextOf(node)].filter(Boolean);
      const items = bulletsAreTasks
        ? [...node.items, ...node.bullets].sort((a, b) => a.line - b.line)
        : node.items;
      let previousNumbered: string | null = null;
      for (const item of items) {
        const id = itemTask(node, item, acceptance, refs, context, item.numbered ? previousNumbered : null);
        if (item.numbered) previousNumbered = id;
        ids.push(id);
      }
      for (const child of withChildren ? node.children : []) {
        if (child.kind === 'descriptive') read(child, skipReason(child.title));
        if (!isWork(child)) continue;
        if (isGroup(child))
          ids.push(...collect(child, { acceptance, refs, context }, child.kind === 'container', true));
        else if (hasContent(child)) ids.push(headingTask(node, child, acceptance, refs, context));
      }
      if (!ids.length && node !== root && hasContent(node)) {
        const bullets = node.bullets.map((b) => `- ${b.text}`);
        const body = [`${node.name}`, ...bullets, ...context];
        const claims = [...node.text, ...bullets];
        // A bug heading keeps its number ("#412 …") and asks for a fix; anything else is implemented.
        const fix = node.parent && /\b(?:bugs?|fix(?:es)?|issues)\b/i.test(node.parent.title);
        const title = fix ? `Fix ${node.title}` : `Implement ${node.name}`;
        ids.push(add(node, title, body, acceptance, refs, claims, withMinutes(node)));
      }
      produced.set(node, ids);
      return ids;
    };

    const itemTask = (
      node: SpecNode,
      item: SpecItem,
      acceptance: string[],
      refs: DependsLine[],
      context: string[],
      previous: string | null,
    ): string => {
      const inline = [...item.text.matchAll(CLAUSE)].map((m) => ({
        refs: splitRefs(m[1]!),
        line: item.line,
        raw: m[0].trim(),
        strict: true,
      }));
      const text = item.text.replace(CLAUSE, '').replace(/\s+/g, ' ').trim();
      const { title: untimed, minutes } = stripTime(text);
      const label = splitLabel(untimed);
      // "T005 [P] Album model": the code stays a reference, the title keeps the words.
      const title = (label.label && /^[A-Z]{1,3}-?\d{2,}$/i.test(label.label) ? label.rest : untimed)
        .replace(/^\[P\]\s*/i, '')
        .trim();
      const id = add(
        node,
        title,
        [`${node.name || 'Spec'}: ${text}`, ...item.nested, ...context],
        [...item.acceptance, ...acceptance],
        [...refs, ...item.depends, ...inline],
        [text, ...item.nested],
        { ...(minutes !== undefined ? { minutes } : {}), label },
      );
      if (previous) order.push([id, previous, node]);
      return id;
    };

    const headingTask = (
      parent: SpecNode,
      child: SpecNode,
      acceptance: string[],
      refs: DependsLine[],
      context: string[],
    ): string => {
      const own = [
        ...child.acceptance,
        ...child.children.filter((c) => c.kind === 'acceptance').flatMap(criteriaOf),
      ];
      const body = [
        `${parent.name}: ${child.name}`,
        ...child.bullets
          .map((b) => [`- ${b.text}`, ...b.nested, ...b.acceptance.map((a) => `  - ${a}`)])
          .flat(),
        contextOf(child),
        ...context,
      ];
      const claims = [child.name, ...child.text, ...child.bullets.flatMap((b) => [b.text, ...b.nested])];
      const id = add(child, child.name, body, [...own, ...acceptance], [...refs, ...child.depends], claims, {
        ...withMinutes(child),
        label: { kind: child.kindWord, label: child.label },
      });
      produced.set(child, [id]);
      return id;
    };

    const ids = collect(
      node,
      { acceptance: [], refs: [], context: [] },
      options.bulletsAreTasks,
      options.children,
    );
    if (ids.length) index.add({ display: node.title || slug, taskIds: ids, scope: node }, { id: slug });
  };

  // A "Review checklist" (spec-kit) is about the spec itself, not something a build could do.
  const aboutTheSpec = new Set<string>();
  const collect = (node: SpecNode) => {
    const criteria = criteriaOf(node);
    docAcceptance.push(...criteria);
    const restating = /\breview\b|checklist/i.test(node.title);
    if (restating) for (const c of criteria) aboutTheSpec.add(c);
    read(node, restating ? READ.restating : READ.acceptance);
  };
  const visit = (nodes: SpecNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'descriptive') {
        read(node, skipReason(node.title));
        // A document titled like a section ("# Notes", "# Metrics") still holds its features below.
        if (node.level === 1) visit(node.children);
        continue;
      }
      if (node.kind === 'acceptance') collect(node);
      else if (node.kind === 'container' || groupsLabelledFeatures(node)) {
        if (node.items.length || node.bullets.length)
          feature(node, { bulletsAreTasks: true, children: false });
        visit(node.children);
      } else feature(node, { bulletsAreTasks: false, children: true });
    }
  };
  if (root.items.length)
    feature({ ...root, name: project ?? 'spec', children: [] }, { bulletsAreTasks: false, children: false });
  docAcceptance.push(...root.acceptance);
  // A spec with its own task list (spec-kit, week plans) has said what the tasks are: its
  // requirement and story sections are what those tasks deliver, not more tasks.
  const taskLists = root.children.filter((n) => isTaskList(n.title) && (isGroup(n) || n.bullets.length));
  if (taskLists.length) {
    for (const n of root.children)
      if (n.kind === 'acceptance') collect(n);
      else if (!taskLists.includes(n))
        read(n, n.kind === 'descriptive' ? skipReason(n.title) : READ.delivered);
    visit(taskLists);
  } else visit(root.children);

  // Sections are reference targets too, by label and by name.
  for (const [node, ids] of produced) {
    if (!ids.length || node === root) continue;
    const target: Target = { display: node.title, taskIds: ids, scope: node };
    index.add(target, { title: node.name, kind: node.kindWord, label: node.label });
    if (node.title !== node.name) index.add(target, { title: node.title });
  }
  const projectWide = attachDocAcceptance(docAcceptance, produced, drafts);
  const byLine = new Map<string, SectionReading>();
  resolveDependencies(drafts, index, (draft, dep, on) => {
    const key = `${dep.line}\0${dep.raw}`;
    const edge = `${draft.task.id} <- ${on}`;
    const r = byLine.get(key);
    if (r) r.tasks!.push(edge);
    else {
      const reading = READ.dependsOn(dep.raw);
      byLine.set(key, { line: dep.line, section: draft.node.title, reading, tasks: [edge] });
      readings.push(byLine.get(key)!);
    }
  });
  const tasks = drafts.map((d) => d.task);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const chain = resolveChain(chainSections(root).flatMap(readChain), index);
  const stated = chain.flatMap((c) => c.edges);
  for (const c of chain)
    readings.push({
      line: c.line,
      section: c.section,
      reading: c.edges.length
        ? READ.dependsOn(c.raw)
        : c.unresolved.length
          ? READ.unresolved(c.unresolved)
          : READ.noOrder,
      ...(c.edges.length ? { tasks: c.edges.map(([a, b]) => `${a} <- ${b}`) } : {}),
    });
  for (const [id, on] of stated) if (!byId.get(id)!.dependsOn.includes(on)) byId.get(id)!.dependsOn.push(on);
  for (const [id, previous, node] of order) {
    read(node, stated.length ? READ.orderOff : READ.order, `${id} <- ${previous}`);
    if (stated.length) continue;
    const task = byId.get(id)!;
    task.dependsOn = [previous, ...task.dependsOn.filter((d) => d !== previous)];
  }
  const last = projectAcceptanceTask(
    projectWide.filter((c) => !aboutTheSpec.has(c)),
    tasks,
  );
  if (last)
    readings.push({ line: 0, section: project ?? 'spec', reading: READ.projectWide, tasks: [last.id] });
  const plan: Plan = {
    project: project ? slugify(project) : fallbackProject,
    tasks: last ? [...tasks, last] : tasks,
    source: 'heuristic',
  };
  return { plan, readings: readings.sort((a, b) => a.line - b.line) };
}
