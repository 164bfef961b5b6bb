/**
 * Untestable acceptance wording: adjectives a test cannot check unless a number pins them down
 * ("fast" is vague, "responds within 200 ms" is not). A requirement with any digit is not vague.
 */
const VAGUE_WORDS = [
  'adequate',
  'appropriate',
  'easy',
  'easily',
  'efficient',
  'efficiently',
  'fast',
  'flexible',
  'intuitive',
  'performant',
  'quick',
  'quickly',
  'reasonable',
  'reliable',
  'responsive',
  'robust',
  'scalable',
  'seamless',
  'seamlessly',
  'simple',
  'sufficient',
  'user-friendly',
  'user friendly',
] as const;

/** The vague words in the text, in list order; empty when a number makes it measurable. */
export function vagueWords(text: string): string[] {
  if (/\d/.test(text)) return [];
  const lower = text.toLowerCase();
  return VAGUE_WORDS.filter((w) => new RegExp(`(^|[^a-z-])${w}($|[^a-z-])`).test(lower));
}
