import { UserError } from '../errors';
import { parseColor } from './color';
import { colorValue, EXTENSION, isToken, type DtcgGroup, type DtcgToken } from './dtcg';
import type { DesignLayer, LayerMeta } from './layers';

function normalizeColor(path: string, value: unknown): DtcgToken['$value'] {
  try {
    return toOklchValue(path, value);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`brand token ${path}: ${(err as Error).message}`);
  }
}

function toOklchValue(path: string, value: unknown): DtcgToken['$value'] {
  if (typeof value === 'string') return colorValue(parseColor(value));
  const v = value as { colorSpace?: string; components?: number[]; hex?: string } | null;
  if (v && typeof v.colorSpace === 'string' && Array.isArray(v.components)) {
    const space = v.colorSpace === 'srgb' ? 'srgb' : v.colorSpace;
    return colorValue(
      parseColor(`color(${space} ${v.components.join(' ')})`.replace('color(oklch ', 'oklch(')),
    );
  }
  throw new UserError(
    `brand token ${path}: a colour is "#3b82f6" or { "colorSpace": "srgb", "components": [r, g, b] }`,
  );
}

/** Copies a user's DTCG document with inherited group $type resolved and colours in OKLCH form. */
export function normalizeBrand(doc: DtcgGroup, inherited?: string, prefix = ''): DtcgGroup {
  const out: DtcgGroup = {};
  const type = typeof doc.$type === 'string' ? doc.$type : inherited;
  for (const [key, node] of Object.entries(doc)) {
    if (key === '$type') continue;
    if (key.startsWith('$')) {
      out[key] = node;
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (isToken(node)) {
      const t = (node.$type ?? type) as DtcgToken['$type'] | undefined;
      if (!t) throw new UserError(`brand token ${path} has no $type (set it on the token or its group)`);
      out[key] = {
        ...node,
        $type: t,
        $value: t === 'color' ? normalizeColor(path, node.$value) : node.$value,
      };
    } else if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      out[key] = normalizeBrand(node as DtcgGroup, type, path);
    }
  }
  return out;
}

/** A user's brand file as the top layer; settings may come in $extensions["dev.buildrunner.design"]. */
export function brandLayer(document: DtcgGroup, name: string): DesignLayer {
  const given = document.$extensions?.[EXTENSION] as Partial<LayerMeta> | undefined;
  const meta: LayerMeta = {
    id: name,
    kind: 'brand',
    title: given?.title ?? name,
    summary: given?.summary ?? 'brand overrides',
    settings: given?.settings ?? {},
    guidance: given?.guidance ?? { do: [], dont: [] },
  };
  const normalized = normalizeBrand(document);
  return { meta, document: { ...normalized, $extensions: { ...normalized.$extensions, [EXTENSION]: meta } } };
}
