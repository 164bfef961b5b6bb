/** Edit distance between two strings (Levenshtein), small and dependency-free. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
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
