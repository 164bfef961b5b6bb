import { quantize, toHex, type Oklch } from './color';

/**
 * Design Tokens Community Group format (2025.10): a tree of groups whose leaves carry `$value`
 * and `$type`; colours are `{ colorSpace, components, hex }` objects; dimensions `{ value, unit }`.
 */
export type TokenType = 'color' | 'dimension' | 'fontFamily' | 'fontWeight' | 'number';

export interface DtcgColorValue {
  colorSpace: 'oklch';
  components: [number, number, number];
  hex: string;
}

export interface DtcgDimensionValue {
  value: number;
  unit: 'px' | 'rem';
}

export type TokenValue = DtcgColorValue | DtcgDimensionValue | string[] | number;

export interface DtcgToken {
  $value: TokenValue;
  $type: TokenType;
  $description?: string;
  $extensions?: Record<string, unknown>;
}

export interface DtcgGroup {
  $description?: string;
  $extensions?: Record<string, unknown>;
  [key: string]: DtcgGroup | DtcgToken | string | Record<string, unknown> | undefined;
}

/** One leaf with its dotted path, e.g. `color.light.primary`. */
export interface FlatToken {
  path: string;
  token: DtcgToken;
}

export const EXTENSION = 'dev.buildrunner.design';

export function colorValue(color: Oklch): DtcgColorValue {
  const q = quantize(color);
  return { colorSpace: 'oklch', components: [q.l, q.c, q.h], hex: toHex(q) };
}

export function colorOf(token: DtcgToken): Oklch {
  const v = token.$value as DtcgColorValue;
  return { l: v.components[0], c: v.components[1], h: v.components[2] };
}

export function colorToken(color: Oklch, description?: string): DtcgToken {
  return { $type: 'color', $value: colorValue(color), ...(description ? { $description: description } : {}) };
}

export function px(value: number, description?: string): DtcgToken {
  return {
    $type: 'dimension',
    $value: { value, unit: 'px' },
    ...(description ? { $description: description } : {}),
  };
}

export function pxOf(token: DtcgToken): number {
  const v = token.$value as DtcgDimensionValue;
  return v.unit === 'rem' ? v.value * 16 : v.value;
}

export function isToken(node: unknown): node is DtcgToken {
  return typeof node === 'object' && node !== null && '$value' in node;
}

export function flatten(doc: DtcgGroup, prefix = ''): FlatToken[] {
  const out: FlatToken[] = [];
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) continue;
    const node = doc[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (isToken(node)) out.push({ path, token: node });
    else if (typeof node === 'object' && node !== null) out.push(...flatten(node as DtcgGroup, path));
  }
  return out;
}

/** Rebuilds a group tree from flat tokens, keys in the order given (callers sort for determinism). */
export function unflatten(tokens: FlatToken[], root: DtcgGroup = {}): DtcgGroup {
  for (const { path, token } of tokens) {
    const parts = path.split('.');
    let group = root;
    for (const part of parts.slice(0, -1)) {
      group[part] ??= {};
      group = group[part] as DtcgGroup;
    }
    group[parts[parts.length - 1]!] = token;
  }
  return root;
}

export function sameValue(a: DtcgToken, b: DtcgToken): boolean {
  return a.$type === b.$type && JSON.stringify(a.$value) === JSON.stringify(b.$value);
}

export function describeValue(token: DtcgToken): string {
  const v = token.$value;
  if (token.$type === 'color') return (v as DtcgColorValue).hex;
  if (token.$type === 'dimension')
    return `${(v as DtcgDimensionValue).value}${(v as DtcgDimensionValue).unit}`;
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}
