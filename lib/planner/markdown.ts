/**
 * Reads a markdown spec into a tree of headings, each with what it holds: checklist and numbered
 * items (candidate tasks), plain bullets, prose, code (context only), acceptance criteria and
 * "Depends on" lines with their line numbers. No decisions about tasks are made here.
 */
import { ACCEPTANCE_LABEL, classifyHeading, splitLabel, stripTime, type SectionKind } from './sections';

export interface SpecItem {
  text: string;
  line: number;
  numbered: boolean;
  nested: string[];
  acceptance: string[];
  /** "Depends on" lines indented under the item, and "(depends on: X)" clauses in it. */
  depends: DependsLine[];
}

export interface DependsLine {
  refs: string[];
  line: number;
  raw: string;
  /** "Depends on"/"After"/"Blocked by" must resolve; "Requires"/"Dependencies" may name packages. */
  strict: boolean;
}

export interface SpecNode {
  /** The heading as written, "Feature:" prefix dropped. */
  title: string;
  /** The heading without its label and time estimate: "Slug generation". */
  name: string;
  kindWord: string;
  label: string | null;
  minutes?: number;
  level: number;
  line: number;
  kind: SectionKind;
  items: SpecItem[];
  bullets: SpecItem[];
  text: string[];
  code: string[];
  acceptance: string[];
  depends: DependsLine[];
  children: SpecNode[];
  parent: SpecNode | null;
}

export interface SpecTree {
  project: string | null;
  root: SpecNode;
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const CHECKLIST = /^(\s*)[-*+]\s+\[( |x|X)\]\s+(.*)$/;
const NUMBERED = /^(\s*)\d+[.)]\s+(.*)$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const DEPENDS =
  /^\s*(?:[-*+]\s+)?(?:\*\*|__)?(depends on|blocked by|after|requires|dependencies|prerequisites?)(?:\*\*|__)?\s*(:)?\s*(?:\*\*|__)?\s*(.+)$/i;
const NONE = /^(?:none|n\/a|-|nothing|no dependencies)\.?$/i;

export function splitRefs(list: string): string[] {
  return list
    .replace(/`/g, '')
    .replace(/\*\*|__/g, '')
    .split(/[,;]|\s+and\s+(?=(?:feature|build|phase|step|story|req|requirement|task|#|[A-Z]{1,3}\d))/i)
    .map((s) =>
      s
        .replace(/\s*\([^)]*\)\s*$/, '')
        .replace(/[.\s]+$/, '')
        .trim(),
    )
    .filter((s) => s && !NONE.test(s));
}

// "Needs accounts (feature 1).", "Builds on channels (feature 2).", "Requires feature 3.": prose that
// names a labelled section, in brackets or as the whole object. Other prose ("After the user signs
// in …") names nothing and stays text.
const PROSE_DEPENDS =
  /^\s*(?:[-*+]\s+)?(?:it\s+)?(needs|requires|builds on|depends on|comes after)\s+(.+?)\s*\.?\s*$/i;
const LABEL_REF = /^(?:feature|build|phase|step|stage|story|milestone|part)\s*#?\s*[\w.-]+$/i;

function parseProseDepends(raw: string, line: number): DependsLine | null {
  const m = PROSE_DEPENDS.exec(raw);
  if (!m) return null;
  const object = m[2]!.replace(/[*_`]/g, '');
  const bracketed = [...object.matchAll(/\(([^)]+)\)/g)]
    .map((b) => b[1]!.trim())
    .filter((r) => LABEL_REF.test(r));
  const refs = bracketed.length
    ? bracketed
    : object.split(/\s*(?:,|\band\b)\s*/).every((r) => LABEL_REF.test(r.trim()))
      ? object.split(/\s*(?:,|\band\b)\s*/).map((r) => r.trim())
      : [];
  return refs.length ? { refs, line, raw: raw.trim(), strict: false } : null;
}

function parseDepends(raw: string, line: number): DependsLine | null {
  const m = DEPENDS.exec(raw);
  if (!m) return parseProseDepends(raw, line);
  const word = m[1]!.toLowerCase();
  // "After the user signs in …" is prose; only "After:" is a dependency line.
  if (!m[2] && word !== 'depends on' && word !== 'blocked by') return parseProseDepends(raw, line);
  return {
    refs: splitRefs(m[3]!),
    line,
    raw: raw.trim(),
    strict: word === 'depends on' || word === 'blocked by' || word === 'after',
  };
}

function makeNode(title: string, level: number, line: number, parent: SpecNode | null): SpecNode {
  const plain = title.replace(/^(?:\*\*|__)(.*)(?:\*\*|__)$/, '$1').replace(/^feature\s*:\s*/i, '');
  const { title: untimed, minutes } = stripTime(plain);
  const labelled = splitLabel(untimed);
  return {
    title: plain,
    name: labelled.rest.replace(/^feature\s*:\s*/i, ''),
    kindWord: labelled.kind,
    label: labelled.label,
    ...(minutes !== undefined ? { minutes } : {}),
    level,
    line,
    kind: level === 0 ? 'container' : classifyHeading(plain),
    items: [],
    bullets: [],
    text: [],
    code: [],
    acceptance: [],
    depends: [],
    children: [],
    parent,
  };
}

const cellsOf = (raw: string) =>
  raw
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/** A roadmap table with a "Depends on" column: its first column is the row's id, the next its title. */
function headerOf(raw: string): { id: number; title: number; depends: number } | null {
  const cells = cellsOf(raw).map((c) => c.replace(/[*_`]/g, '').toLowerCase());
  const depends = cells.findIndex((c) => /^(?:depends on|dependencies|blocked by|after|needs)$/.test(c));
  return depends > 1 ? { id: 0, title: 1, depends } : null;
}

/**
 * A table line: 'header' for a roadmap table's header, an item for one of its rows, undefined for
 * its separator or a line of another table (kept as text by the caller), null for a line that is
 * not a table row.
 */
function tableRow(
  raw: string,
  line: number,
  table: { id: number; title: number; depends: number } | null,
): SpecItem | 'header' | undefined | null {
  const cells = cellsOf(raw);
  if (cells.every((c) => /^:?-{2,}:?$/.test(c))) return undefined;
  if (!table) return headerOf(raw) ? 'header' : null;
  const id = cells[table.id]?.replace(/[*_`]/g, '');
  const title = cells[table.title];
  if (!id || !title) return undefined;
  const refs = splitRefs(cells[table.depends] ?? '').filter((r) => !/^[—–]$/.test(r));
  return {
    text: `${id}: ${title}`,
    line,
    numbered: false,
    nested: [],
    acceptance: [],
    depends: refs.length ? [{ refs, line, raw: `Depends on: ${refs.join(', ')}`, strict: true }] : [],
  };
}

export function parseSpec(markdown: string): SpecTree {
  let project: string | null = null;
  const root = makeNode('', 0, 0, null);
  let current = root;
  let acceptanceMode = false;
  let last: SpecItem | null = null;
  let fence: string | null = null;
  let table: { id: number; title: number; depends: number } | null = null;
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (fence === null && /^\s*\|/.test(raw)) {
      const row = tableRow(raw, line, table);
      if (row === 'header') table = headerOf(raw);
      else if (row) {
        current.items.push(row);
        last = null;
      }
      if (row !== null) return;
    } else table = null;
    const fenceMark = /^\s*(```+|~~~+)/.exec(raw)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0]) fence = null;
      else current.code.push(raw);
      return;
    }
    if (fenceMark) {
      fence = fenceMark;
      last = null;
      return;
    }
    const heading = HEADING.exec(raw);
    if (heading) {
      const level = heading[1]!.length;
      last = null;
      acceptanceMode = false;
      // The first level-1 heading names the project, unless it is a section ("# Overview").
      if (
        level === 1 &&
        project === null &&
        root.children.length === 0 &&
        classifyHeading(heading[2]!) === 'work'
      ) {
        project = heading[2]!.replace(/^feature\s*:\s*/i, '').trim();
        return;
      }
      let parent = current;
      while (parent !== root && parent.level >= level) parent = parent.parent!;
      current = makeNode(heading[2]!.trim(), level, line, parent);
      parent.children.push(current);
      acceptanceMode = current.kind === 'acceptance';
      return;
    }
    if (!raw.trim()) return;
    if (ACCEPTANCE_LABEL.test(raw)) {
      acceptanceMode = true;
      last = null;
      return;
    }
    // "Id: F001 · priority high" (BuildRunner 3 and `br spec wizard` specs): the section's label.
    const idLine = /^\s*(?:\*\*|__)?id(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*`?([A-Za-z0-9][\w.-]*)`?/i.exec(raw);
    if (idLine && current !== root && current.label === null) current.label = idLine[1]!;
    const depends = parseDepends(raw, line);
    if (depends) {
      if (last && /^\s{2,}/.test(raw)) last.depends.push(depends);
      else current.depends.push(depends);
      return;
    }
    const check = CHECKLIST.exec(raw);
    const numbered = check ? null : NUMBERED.exec(raw);
    const bullet = check || numbered ? null : BULLET.exec(raw);
    const indent = (check?.[1] ?? numbered?.[1] ?? bullet?.[1] ?? /^\s*/.exec(raw)![0]).length;
    if (last && indent >= 2) {
      const sub = (check?.[3] ?? numbered?.[2] ?? bullet?.[2])?.trim();
      if (sub !== undefined) last.acceptance.push(sub);
      else last.nested.push(raw.trim());
      return;
    }
    const listText = (check?.[3] ?? numbered?.[2] ?? bullet?.[2])?.trim();
    if (acceptanceMode && listText !== undefined) {
      if (!check || check[2] === ' ' || current.kind === 'acceptance') current.acceptance.push(listText);
      last = null;
      return;
    }
    if (check || numbered) {
      acceptanceMode = current.kind === 'acceptance';
      if (check && check[2] !== ' ') {
        last = null;
        return;
      }
      last = { text: listText!, line, numbered: !check, nested: [], acceptance: [], depends: [] };
      current.items.push(last);
      return;
    }
    if (bullet) {
      last = { text: listText!, line, numbered: false, nested: [], acceptance: [], depends: [] };
      current.bullets.push(last);
      return;
    }
    acceptanceMode = current.kind === 'acceptance';
    last = null;
    current.text.push(raw.trim());
  });
  return { project, root };
}
