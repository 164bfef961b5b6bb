/**
 * Heuristic complexity estimator: description size, files claimed, risky keywords and dependency count
 * give a 0..100 score, which maps to a level and the tier routing picks by default (DEFAULT_TIERS).
 * Deterministic and free; `--ai-estimate` replaces it with Claude.
 */
import type { ComplexityEstimate } from '../contracts';
import type { Complexity, PlannedTask } from '../plan';
import { DEFAULT_TIERS } from '../tiers';

const RISKY: { pattern: RegExp; label: string }[] = [
  { pattern: /\b(auth\w*|login|oauth|jwt|session|password|permission\w*)\b/i, label: 'authentication' },
  { pattern: /\b(secur\w*|encrypt\w*|crypto\w*|secret\w*|xss|csrf|injection)\b/i, label: 'security' },
  { pattern: /\b(migrat\w*|schema change|backfill)\b/i, label: 'data migration' },
  {
    pattern: /\b(concurren\w*|parallel\w*|race|lock\w*|transaction\w*|distributed)\b/i,
    label: 'concurrency',
  },
  { pattern: /\b(payment\w*|billing|invoice\w*|stripe|checkout|refund\w*)\b/i, label: 'payments' },
];
const LIGHT = /\b(typo|rename|readme|docs?|documentation|comment\w*|copy|wording|lint)\b/i;

export function levelForScore(score: number): Complexity {
  if (score < 25) return 'simple';
  if (score < 50) return 'moderate';
  if (score < 75) return 'complex';
  return 'critical';
}

export function estimateTask(task: PlannedTask): ComplexityEstimate {
  const text = [task.title, task.description, ...task.acceptance].join('\n');
  const words = text.split(/\s+/).filter(Boolean).length;
  const reasons: string[] = [];
  let score = Math.min(25, Math.round(words / 8));
  reasons.push(`${words} words of description and acceptance (+${score})`);
  const files = Math.min(24, task.files.length * 6);
  if (files) reasons.push(`${task.files.length} file(s) claimed (+${files})`);
  score += files;
  const risky = RISKY.filter((r) => r.pattern.test(text));
  const keywordPoints = Math.min(40, risky.length * 20);
  if (risky.length) reasons.push(`risky areas: ${risky.map((r) => r.label).join(', ')} (+${keywordPoints})`);
  score += keywordPoints;
  const deps = Math.min(16, task.dependsOn.length * 4);
  if (deps) reasons.push(`${task.dependsOn.length} dependencies (+${deps})`);
  score += deps;
  if (LIGHT.test(task.title) && risky.length === 0) {
    score = Math.max(0, score - 15);
    reasons.push('documentation or cosmetic change (−15)');
  }
  score = Math.max(0, Math.min(100, score));
  let level = levelForScore(score);
  // A risky area is never "simple": a cheap model failing at auth or payments costs more than it saves.
  if (risky.length && (level === 'simple' || level === 'moderate')) {
    level = 'complex';
    reasons.push('raised to complex for a risky area');
  }
  return { level, score, reasons, recommendedTier: DEFAULT_TIERS[level] };
}

export function estimateTasks(tasks: readonly PlannedTask[]): Record<string, ComplexityEstimate> {
  const out: Record<string, ComplexityEstimate> = {};
  for (const t of tasks) out[t.id] = estimateTask(t);
  return out;
}
