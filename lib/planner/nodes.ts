/** What the heuristic planner asks of a section node: is it work, does it hold anything, its context. */
import type { SpecNode } from './markdown';

const CONTEXT_CHARS = 600;

export const isWork = (n: SpecNode) => n.kind === 'work' || n.kind === 'container';
export const criteriaOf = (n: SpecNode): string[] => [
  ...n.acceptance,
  ...n.items.map((i) => i.text),
  ...n.bullets.map((b) => b.text),
  ...n.children.flatMap(criteriaOf),
];
export const hasContent = (n: SpecNode): boolean =>
  n.text.length > 0 ||
  n.bullets.length > 0 ||
  n.items.length > 0 ||
  n.acceptance.length > 0 ||
  n.code.length > 0 ||
  n.children.some((c) => c.kind === 'acceptance');
export const isGroup = (n: SpecNode): boolean =>
  n.items.length > 0 || n.children.some((c) => isWork(c) && (hasContent(c) || isGroup(c)));

export function contextOf(node: SpecNode): string {
  const code = node.code.length ? [`Code:\n${node.code.join('\n')}`] : [];
  return [...node.text, ...code].join('\n').slice(0, CONTEXT_CHARS);
}

export function titleOf(text: string): string {
  const plain = text.replace(/`/g, '');
  return plain.length > 100 ? `${plain.slice(0, 97).trimEnd()}…` : plain;
}

/** "MVP requirements" above "F001: …", "F002: …": a heading that only groups labelled features. */
export function groupsLabelledFeatures(node: SpecNode): boolean {
  if (node.label || node.items.length) return false;
  const work = node.children.filter((c) => isWork(c) && (hasContent(c) || isGroup(c)));
  return work.length > 0 && work.every((c) => c.label !== null);
}

export function withMinutes(node: SpecNode): { minutes?: number } {
  return node.minutes !== undefined ? { minutes: node.minutes } : {};
}
