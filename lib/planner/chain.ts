/**
 * A "Logical Dependency Chain" section (Task Master's PRD template) says which item needs which, in
 * sentences: "Board API needs the board data model and accounts.", "Card comments before the activity
 * feed.", "Model → API → Page". Each sentence is read into what needs what; the names are resolved
 * by the planner's reference index (titles or the start of them, labels, ids). A sentence that names
 * no two items ("The data model and accounts come first; neither needs the other.") states no edge.
 */
import type { SpecNode } from './markdown';
import type { ReferenceIndex } from './references';
import { isChainTitle } from './sections';

export interface ChainStatement {
  line: number;
  /** The chain section's heading. */
  section: string;
  raw: string;
  /** Names of what waits, and of what it waits for. Empty when the sentence states no order. */
  waiting: string[];
  waitedFor: string[];
}

const NEEDS =
  /^(.+?)\s+(?:needs|need|requires|require|depends on|depend on|builds on|build on|comes after|come after|follows|follow|waits for|wait for|(?:is|are) blocked by|(?:must|can only|can)\s+(?:come|start|run|be built)\s+(?:only\s+)?after|(?:is|are) built after|after)\s+(.+)$/i;
const BEFORE =
  /^(.+?)\s+(?:blocks|block|unblocks|unblock|enables|enable|(?:is|are) needed by|(?:must\s+)?(?:comes?|be built|is built|are built|runs?|starts?)?\s*before)\s+(.+)$/i;
const ARROW = /\s*(?:→|->|=>|⟶)\s*/;

/** The dependency-chain sections anywhere in the tree, descriptive parents included. */
export function chainSections(root: SpecNode): SpecNode[] {
  const out: SpecNode[] = [];
  const walk = (node: SpecNode) => {
    if (node !== root && isChainTitle(node.name || node.title)) out.push(node);
    else node.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** "the board data model" → "board data model"; "(because …)" and "because …" tails dropped. */
function cleanName(raw: string): string {
  return raw
    .replace(/[*_`]/g, '')
    .replace(/\s*\([^)]*\)/g, '')
    .replace(/\s*(?:,\s*)?\b(?:because|since|so that|as|once|when)\b.*$/i, '')
    .replace(/^\s*(?:both|only|also|then|and)\s+/i, '')
    .replace(/^\s*(?:the|a|an)\s+/i, '')
    .replace(/\s+(?:first|last|too|as well)$/i, '')
    .replace(/[.;:!\s]+$/, '')
    .trim();
}

/** "the data model and accounts" → ["data model", "accounts"], keeping the whole phrase first. */
export function namesIn(phrase: string): string[][] {
  const whole = cleanName(phrase);
  if (!whole) return [];
  const parts = whole
    .split(/\s*(?:,|;|&|\band\b|\bor\b)\s*/i)
    .map(cleanName)
    .filter(Boolean);
  return parts.length > 1 ? [[whole], parts] : [[whole]];
}

function statementsOf(text: string, line: number, section: string): ChainStatement[] {
  const sentences = text
    .replace(/[*_`]/g, '')
    .split(/(?<=[.;!])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: ChainStatement[] = [];
  for (const sentence of sentences) {
    const raw = sentence.replace(/^\d+[.)]\s+/, '');
    const arrow = raw.split(ARROW);
    if (arrow.length > 1) {
      for (let i = 1; i < arrow.length; i++)
        out.push({ line, section, raw: sentence, waiting: [arrow[i]!], waitedFor: [arrow[i - 1]!] });
      continue;
    }
    // "Neither needs the other", "can run in parallel": no order stated.
    if (/\b(?:neither|none of|no\s+\w+\s+needs|independent|in parallel|each other)\b/i.test(raw)) {
      out.push({ line, section, raw: sentence, waiting: [], waitedFor: [] });
      continue;
    }
    const needs = NEEDS.exec(raw);
    if (needs) {
      out.push({ line, section, raw: sentence, waiting: [needs[1]!], waitedFor: [needs[2]!] });
      continue;
    }
    const before = BEFORE.exec(raw);
    if (before && before[1]!.trim() && before[2]!.trim())
      out.push({ line, section, raw: sentence, waiting: [before[2]!], waitedFor: [before[1]!] });
    else out.push({ line, section, raw: sentence, waiting: [], waitedFor: [] });
  }
  return out;
}

/** Every sentence of a chain section (bullets, numbered items, prose, nested headings), in order. */
export function readChain(node: SpecNode): ChainStatement[] {
  const lines: { text: string; line: number }[] = [
    ...node.items.map((i) => ({ text: i.text, line: i.line })),
    ...node.bullets.map((b) => ({ text: b.text, line: b.line })),
    ...node.depends.map((d) => ({ text: d.raw, line: d.line })),
  ].sort((a, b) => a.line - b.line);
  const prose = node.text.length ? [{ text: node.text.join(' '), line: node.line }] : [];
  return [
    ...prose.flatMap((p) => statementsOf(p.text, p.line, node.title)),
    ...lines.flatMap((l) => statementsOf(l.text, l.line, node.title)),
    ...node.children.flatMap(readChain),
  ];
}

export interface ChainReading {
  line: number;
  section: string;
  raw: string;
  /** [task, waits for] edges this sentence gave. */
  edges: [string, string][];
  /** Names in it that matched no section, task title or id. */
  unresolved: string[];
}

/** Task ids a name stands for, trying the whole phrase, then its parts (every part must resolve). */
function idsOf(phrase: string, index: ReferenceIndex): { ids: string[]; unresolved: string[] } {
  const tries = namesIn(phrase);
  for (const names of tries) {
    const targets = names.map((n) => index.resolve(n));
    if (targets.every(Boolean))
      return { ids: [...new Set(targets.flatMap((t) => t!.taskIds))], unresolved: [] };
  }
  const last = tries[tries.length - 1] ?? [];
  return { ids: [], unresolved: last.filter((n) => !index.resolve(n)) };
}

/** The edges a chain section states, sentence by sentence, resolved through the reference index. */
export function resolveChain(statements: ChainStatement[], index: ReferenceIndex): ChainReading[] {
  return statements.map((s) => {
    const edges: [string, string][] = [];
    const unresolved: string[] = [];
    for (const w of s.waiting)
      for (const f of s.waitedFor) {
        const a = idsOf(w, index);
        const b = idsOf(f, index);
        unresolved.push(...a.unresolved, ...b.unresolved);
        if (!a.ids.length || !b.ids.length) continue;
        for (const task of a.ids) for (const on of b.ids) if (task !== on) edges.push([task, on]);
      }
    return { line: s.line, section: s.section, raw: s.raw, edges, unresolved: [...new Set(unresolved)] };
  });
}
