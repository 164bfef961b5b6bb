/** Ids and file claims from spec text. */

export function slugify(text: string, max = 40): string {
  const slug = text
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'item';
}

/** Backticked tokens that look like repository paths (not code, routes or identifiers). */
export function pathsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const token = m[1]!.trim();
    if (/[\s(){}:?=<>|*$"']/.test(token) || token.startsWith('/')) continue;
    if (token.includes('/') || /\.[A-Za-z0-9]{1,8}$/.test(token)) {
      if (/^\.?[A-Za-z0-9_-]+$/.test(token) && !token.includes('.')) continue;
      if (!out.includes(token)) out.push(token);
    }
  }
  return out;
}

/** Slugs made unique in order of asking: `auth`, `auth-2`, `auth-3`, … */
export function slugAllocator(): (text: string) => string {
  const slugs = new Map<string, number>();
  return (text) => {
    const base = slugify(text);
    const seen = slugs.get(base) ?? 0;
    slugs.set(base, seen + 1);
    return seen ? `${base}-${seen + 1}` : base;
  };
}
