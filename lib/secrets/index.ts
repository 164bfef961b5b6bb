/**
 * Secret scanning: provider token formats, key blocks, credentials in URLs and high-entropy
 * assignments, with allow-lists, an inline `br-ignore-secret` comment and `.buildrunner/secretignore`.
 */
export { scanText, secretSpans } from './scan';
export { IGNORE_FILE, isBinary } from './file-kinds';
export { formatFindings, SUPPRESS_HINT } from './format';
export { maskSecret } from './mask';
export { INLINE_IGNORE, shannonEntropy } from './allow';
export { RULES, RULE_IDS } from './rules';
export type { Finding, SecretRule, ScanPathsOptions, ScanStats, ScanTextOptions } from './types';
export { redactSecrets, secretValuesOf } from './redact';
