/** Edit distance with adjacent transpositions (optimal string alignment): "biuld" is 1 from "build". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known command paths closest to what was typed: the words before the first option, compared
 * path against path prefix of the same length, so `br biuld strat` finds `build start`.
 */
export function closestCommands(typed: string[], paths: string[][], max = 3): string[] {
  const words = typed.filter((w) => !w.startsWith('-'));
  if (words.length === 0) return [];
  const scored = paths
    .filter((p) => p.length > 0)
    .map((p) => {
      const n = Math.min(p.length, words.length);
      const distance = editDistance(words.slice(0, n).join(' '), p.slice(0, n).join(' '));
      return {
        path: p.join(' '),
        distance,
        budget: Math.max(2, Math.floor(p.slice(0, n).join(' ').length / 3)),
      };
    })
    .filter((s) => s.distance <= s.budget)
    .sort((a, b) => a.distance - b.distance || a.path.localeCompare(b.path));
  return [...new Set(scored.map((s) => s.path))].slice(0, max);
}
