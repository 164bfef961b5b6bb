/**
 * Requirements of a markdown spec, each with a stable id: explicit ids written in the spec (`R1.2`,
 * `**AUTH-3**`), else `<feature>.<kind><n>` counted within the feature (`todos.ac2`, `todos.e1`,
 * `todos.c3`). A feature is the slug of the nearest `##`/`###` heading, the same slug the heuristic
 * planner gives its tasks' `features`. Pure and deterministic: the same spec gives the same list.
 */

export type RequirementKind = 'criterion' | 'ears' | 'checklist';

export interface Requirement {
  id: string;
  text: string;
  kind: RequirementKind;
  /** Slug of the section the requirement sits in. */
  feature: string;
  /** 1-based line in the spec. */
  line: number;
  /** True when the spec wrote the id itself. */
  explicit: boolean;
  /** Set for a criterion nested under a checklist or numbered item: it belongs to that item's task only. */
  item?: string;
  /** A checked checklist item (`- [x]`): the spec claims it is done, so no task is planned for it. */
  checked?: true;
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const ACCEPTANCE = /^\s*(?:\*\*|__)?acceptance(?: criteria)?:?(?:\*\*|__)?:?\s*$/i;
const CHECKLIST = /^(\s*)[-*+]\s+\[( |x|X)\]\s+(.*)$/;
const NUMBERED = /^(\s*)\d+[.)]\s+(.*)$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const EARS = /\bshall\b/i;
const EARS_LEAD = /^(?:when|while|if|where|the system|the [a-z -]+ shall)\b/i;
/** `R1.2: …`, `**R1.2** …`, `[R1.2] …`, `REQ-7: …`: an explicit id leads the text. */
const EXPLICIT =
  /^(?:\*\*|__)?\[?([A-Z][A-Z0-9]{0,7}(?:[-_.]?\d+)(?:\.\d+)*)\]?(?:\*\*|__)?(?:\s*[:)\]–—-]\s*|\s+(?=\S))(.*)$/;
const EXPLICIT_MARKED = /^(?:\*\*|__|\[)/;

export function slugify(text: string, max = 40): string {
  const slug = text
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'item';
}

/** An explicit id and the rest of the text, or null. Bare ids need a colon (`R1: …`) so prose is not read as one. */
export function explicitId(text: string): { id: string; rest: string } | null {
  const m = EXPLICIT.exec(text.trim());
  if (!m || !/\d/.test(m[1]!)) return null;
  const marked = EXPLICIT_MARKED.test(text.trim());
  const colon = /^[^\s]+\s*[:)\]–—-]/.test(text.trim().replace(/^(\*\*|__|\[)/, ''));
  if (!marked && !colon) return null;
  return { id: m[1]!, rest: m[2]!.trim() };
}

const clean = (text: string) =>
  text
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const isEars = (text: string) => EARS.test(text) && EARS_LEAD.test(clean(text));

export function parseRequirements(markdown: string): Requirement[] {
  const out: Requirement[] = [];
  const usedSlugs = new Map<string, number>();
  const counters = new Map<string, number>();
  let project: string | null = null;
  let feature = 'spec';
  let inAcceptance = false;
  let fence = false;
  let lastItem: { text: string; indent: number } | null = null;

  const next = (kind: RequirementKind) => {
    const key = `${feature}.${kind}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return `${feature}.${{ criterion: 'ac', ears: 'e', checklist: 'c' }[kind]}${n}`;
  };
  const add = (raw: string, kind: RequirementKind, line: number, item?: string, checked = false) => {
    const explicit = explicitId(raw);
    const text = clean(explicit ? explicit.rest : raw);
    if (!text) return;
    const finalKind: RequirementKind = isEars(text) ? 'ears' : kind;
    out.push({
      id: explicit ? explicit.id : next(finalKind),
      text,
      kind: finalKind,
      feature,
      line,
      explicit: explicit !== null,
      ...(item !== undefined ? { item } : {}),
      ...(checked ? { checked: true as const } : {}),
    });
  };

  markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((raw, index) => {
      const line = index + 1;
      if (/^\s*(```|~~~)/.test(raw)) {
        fence = !fence;
        return;
      }
      if (fence || !raw.trim()) return;
      const heading = HEADING.exec(raw);
      if (heading) {
        lastItem = null;
        const title = heading[2]!.replace(/^feature\s*:\s*/i, '').trim();
        if (heading[1]!.length === 1 && project === null) {
          project = title;
          return;
        }
        if (ACCEPTANCE.test(title)) {
          inAcceptance = true;
          return;
        }
        inAcceptance = false;
        const base = slugify(title);
        const seen = usedSlugs.get(base) ?? 0;
        usedSlugs.set(base, seen + 1);
        feature = seen ? `${base}-${seen + 1}` : base;
        return;
      }
      if (ACCEPTANCE.test(raw)) {
        inAcceptance = true;
        lastItem = null;
        return;
      }
      const check = CHECKLIST.exec(raw);
      const numbered = check ? null : NUMBERED.exec(raw);
      const bullet = check || numbered ? null : BULLET.exec(raw);
      const indent = /^\s*/.exec(raw)![0].length;
      if (lastItem && indent > lastItem.indent && (bullet || numbered || check)) {
        add((check?.[3] ?? numbered?.[2] ?? bullet![2])!, 'criterion', line, lastItem.text);
        return;
      }
      if (check || (numbered && !inAcceptance)) {
        inAcceptance = false;
        const text = (check ? check[3] : numbered![2])!;
        lastItem = { text: clean(explicitId(text)?.rest ?? text), indent };
        add(text, 'checklist', line, undefined, check !== null && check[2] !== ' ');
        return;
      }
      lastItem = null;
      if (inAcceptance && (bullet || numbered)) {
        add((bullet?.[2] ?? numbered![2])!, 'criterion', line);
        return;
      }
      if (!bullet) inAcceptance = false;
      const text = bullet ? bullet[2]! : raw.trim();
      if (isEars(explicitId(text)?.rest ?? text) || (explicitId(text) && !bullet))
        add(text, 'criterion', line);
      else if (bullet && explicitId(text)) add(text, 'criterion', line);
    });
  return out;
}
