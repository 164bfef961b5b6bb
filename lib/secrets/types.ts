/** One suspected secret. `excerpt` is the line with every secret on it masked: never the whole secret. */
export interface Finding {
  /** Path as given or relative to the scan root, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, where the secret starts. */
  column: number;
  /** Rule id, e.g. `github-token`. */
  rule: string;
  excerpt: string;
}

/** Where a rule's match sits, handed to a rule's `validate`. */
export interface MatchContext {
  /** The whole text being scanned. */
  content: string;
  /** The full line(s) of the match start. */
  line: string;
  /** Offset of the regex match in `content`. */
  index: number;
  /** The full regex match. */
  match: RegExpExecArray;
}

export interface SecretRule {
  id: string;
  description: string;
  /**
   * Cheap prefilter: the rule's regex only runs when one of these occurs in the text (lower-cased
   * text when `caseInsensitiveKeywords`). Keeps a scan of a clean file to a few `includes` calls.
   */
  keywords: string[];
  caseInsensitiveKeywords?: boolean;
  /** Global regex with bounded quantifiers; capture group `s` (if any) is the secret, else the match. */
  pattern: RegExp;
  /** Extra checks on the secret (entropy, placeholders the generic allow-list does not know). */
  validate?: (secret: string, ctx: MatchContext) => boolean;
  /** Skip the shared placeholder allow-list (for rules whose value is not free text). */
  skipPlaceholderCheck?: boolean;
  /** Report the match start (e.g. the BEGIN line of a key block) rather than the secret start. */
  reportAtMatchStart?: boolean;
}

export interface ScanTextOptions {
  /** Replace the built-in rules (tests, experiments). */
  rules?: readonly SecretRule[];
  /** Report secrets even on lines with a `br-ignore-secret` comment (masking output, not reviewing files). */
  ignoreInlineComments?: boolean;
}

export interface ScanPathsOptions {
  /** Root that findings' paths are relative to and where `.buildrunner/secretignore` is read. Default: process.cwd(). */
  cwd?: string;
  /** Files larger than this are skipped (default 1 MiB): minified bundles and data dumps, not source. */
  maxFileBytes?: number;
  /** Filled with what was scanned, for reports. */
  stats?: ScanStats;
}

export interface ScanStats {
  filesScanned: number;
  bytesScanned: number;
  filesSkipped: number;
}
