import { GENERIC_RULES } from './rules-generic';
import { PROVIDER_RULES } from './rules-providers';
import { CONTEXT_RULES } from './rules-catalog-context';
import { NAMED_RULES } from './rules-catalog-named';
import { PREFIXED_RULES } from './rules-catalog-prefixed';
import type { SecretRule } from './types';

/**
 * Every built-in rule, most specific first: when two rules match overlapping text, the earlier
 * one reports it (so a GitHub token in `token = "…"` is `github-token`, not the generic rule).
 */
export const RULES: readonly SecretRule[] = [
  ...PROVIDER_RULES,
  ...PREFIXED_RULES,
  ...NAMED_RULES,
  ...CONTEXT_RULES,
  ...GENERIC_RULES,
];

export const RULE_IDS: readonly string[] = [...new Set(RULES.map((r) => r.id))];
