import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brandLayer } from '../lib/design/brand';
import type { DtcgGroup } from '../lib/design/dtcg';
import { designFiles } from '../lib/design/emit';
import type { DesignLayer, LayerMeta } from '../lib/design/layers';
import { patterns } from '../lib/design/patterns';
import { profiles } from '../lib/design/profiles';
import {
  buildTheme,
  findPattern,
  findProfile,
  type DesignReport,
  type DesignTheme,
} from '../lib/design/theme';
import { UserError } from '../lib/errors';
import { validateDtcg, type DtcgValidation } from './design-validate';

export type LayerSummary = Omit<LayerMeta, 'kind'>;

const summary = (l: DesignLayer): LayerSummary => {
  const { kind: _kind, ...rest } = l.meta;
  return rest;
};

export function listDesignLayers(kind: 'profile' | 'pattern'): LayerSummary[] {
  return (kind === 'profile' ? profiles : patterns).map(summary);
}

export function showDesignLayer(
  kind: 'profile' | 'pattern',
  id: string,
): { layer: LayerSummary; document: DtcgGroup } {
  const found = kind === 'profile' ? findProfile(id) : findPattern(id);
  return { layer: summary(found), document: found.document };
}

export interface GenerateDesignOptions {
  profile: string;
  pattern: string;
  /** A DTCG brand file, relative to cwd. */
  brandFile?: string;
  /** Where to write; null computes without writing. */
  outDir: string | null;
  tailwind3?: boolean;
  cwd: string;
}

export interface GeneratedDesign {
  id: string;
  profile: string;
  pattern: string;
  brand: string | null;
  settings: DesignTheme['settings'];
  outDir: string | null;
  files: { path: string; bytes: number; sha256: string }[];
  validation: DtcgValidation[];
  report: DesignReport;
}

async function readBrand(file: string, cwd: string): Promise<DesignLayer> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new UserError(
      `brand file ${file} cannot be read: pass a DTCG JSON file, e.g. {"palette": {"primary": {"$type": "color", "$value": {"colorSpace": "srgb", "components": [0.23, 0.51, 0.96]}}}}`,
    );
  }
  const [check] = await validateDtcg([{ name: path.basename(full), json: text }]);
  if (!check!.ok) throw new UserError(`brand file ${file} is not a valid DTCG document:\n${check!.errors}`);
  return brandLayer(JSON.parse(text) as DtcgGroup, path.basename(full).replace(/(\.tokens)?\.json$/, ''));
}

/** Merges profile, pattern and brand into a checked theme and writes its files. */
export async function generateDesign(options: GenerateDesignOptions): Promise<GeneratedDesign> {
  const brand = options.brandFile ? await readBrand(options.brandFile, options.cwd) : undefined;
  const theme = buildTheme(options.profile, options.pattern, brand);
  const files = designFiles(theme, { tailwind3: options.tailwind3 });
  const tokens = files.find((f) => f.path === 'design.tokens.json')!;
  const validation = await validateDtcg([{ name: tokens.path, json: tokens.content }]);
  if (!validation.every((v) => v.ok)) {
    throw new Error(`generated tokens fail DTCG validation: ${validation.map((v) => v.errors).join('\n')}`);
  }
  const outDir = options.outDir === null ? null : path.resolve(options.cwd, options.outDir);
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    for (const f of files) await writeFile(path.join(outDir, f.path), f.content);
  }
  return {
    id: theme.id,
    profile: theme.profile.id,
    pattern: theme.pattern.id,
    brand: theme.brand,
    settings: theme.settings,
    outDir: outDir && path.relative(options.cwd, outDir),
    files: files.map((f) => ({
      path: f.path,
      bytes: Buffer.byteLength(f.content),
      sha256: createHash('sha256').update(f.content).digest('hex'),
    })),
    validation,
    report: theme.report,
  };
}
