import { UserError } from '../errors';
import { brandLayer } from './brand';
import type { DtcgGroup } from './dtcg';
import { buildTheme } from './theme';

/** What a build needs to write the design files: names, the brand document itself, and where. */
export interface DesignRequest {
  profile: string;
  pattern: string;
  /** The parsed brand file (user content, never a secret), so workers need not reach the user's disk. */
  brand?: DtcgGroup;
  brandName?: string;
  outDir: string;
}

/**
 * A spec names its design with one line, e.g. `Design: healthcare × dashboard` (also `x` or `/`),
 * anywhere in the file, optionally as a list item or in bold; `br spec wizard` writes
 * `Design: industry profile **healthcare**, use-case pattern **dashboard**.`, which reads the same.
 */
export function designFromSpec(spec: string): { profile: string; pattern: string } | null {
  const wizard = /^design:\s*industry profile \*\*([\w-]+)\*\*,\s*use-case pattern \*\*([\w-]+)\*\*/im.exec(
    spec,
  );
  const m =
    wizard ??
    /^[\s>*-]*(?:\*\*)?design(?:\*\*)?\s*:\s*(?:\*\*)?\s*([a-z][a-z-]*)\s*(?:×|x|\/)\s*([a-z][a-z-]*)/im.exec(
      spec,
    );
  return m ? { profile: m[1]!.toLowerCase(), pattern: m[2]!.toLowerCase() } : null;
}

/** Config gives the default, the spec line wins; the theme is built once here so bad names fail at start. */
export function resolveDesign(args: {
  config?: { profile: string; pattern: string; outDir: string };
  spec: string;
  brand?: { name: string; document: DtcgGroup };
}): DesignRequest | undefined {
  const named = designFromSpec(args.spec) ?? args.config;
  if (!named) return undefined;
  const outDir = args.config?.outDir ?? 'design';
  if (outDir.split(/[\\/]/).includes('..') || outDir.startsWith('/')) {
    throw new UserError(
      `design.outDir "${outDir}" must be a folder inside the repository, such as "design".`,
    );
  }
  buildTheme(named.profile, named.pattern, args.brand && brandLayer(args.brand.document, args.brand.name));
  return {
    profile: named.profile,
    pattern: named.pattern,
    outDir,
    ...(args.brand ? { brand: args.brand.document, brandName: args.brand.name } : {}),
  };
}
