import Color from 'colorjs.io';

/** An OKLCH colour: lightness 0..1, chroma >= 0, hue in degrees. */
export interface Oklch {
  l: number;
  c: number;
  h: number;
}

/**
 * Every colour is quantized to what the outputs print (4 decimals of L and C, 2 of hue), so the
 * contrast that the gate checks is the contrast of the exact value written to theme.css.
 */
export function quantize(color: Oklch): Oklch {
  const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  const c = r(Math.max(0, color.c), 4);
  return {
    l: r(Math.min(1, Math.max(0, color.l)), 4),
    c,
    h: c === 0 ? 0 : r(((color.h % 360) + 360) % 360, 2),
  };
}

export function oklch(l: number, c: number, h: number): Oklch {
  return quantize({ l, c, h });
}

function toColor(color: Oklch): Color {
  return new Color('oklch', [color.l, color.c, color.h]);
}

export function parseColor(text: string): Oklch {
  let parsed: Color;
  try {
    parsed = new Color(text);
  } catch {
    throw new Error(`not a CSS colour: ${text}`);
  }
  const [l, c, h] = parsed.to('oklch').coords;
  return quantize({ l: l ?? 0, c: c ?? 0, h: Number.isNaN(h) || h === null ? 0 : (h ?? 0) });
}

export function inSrgbGamut(color: Oklch): boolean {
  return memo('g', color, () => (toColor(color).inGamut('srgb') ? 1 : 0)) === 1;
}

/**
 * The sRGB colour a browser paints: clipped to the gamut and rounded to 8 bits per channel. Near
 * black the rounding moves the contrast ratio by several hundredths, so the checks use it too.
 */
export function toSrgb(color: Oklch): [number, number, number] {
  const srgb = toColor(color).to('srgb');
  const channels = srgb.coords.map((v) => Math.round(Math.min(1, Math.max(0, v ?? 0)) * 255) / 255);
  return [channels[0]!, channels[1]!, channels[2]!];
}

export function toHex(color: Oklch): string {
  return `#${toSrgb(color)
    .map((v) =>
      Math.round(v * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

const cache = new Map<string, number>();

/** Repairs ask for the same colours many times; the conversions are the cost, so remember them. */
function memo(kind: string, color: Oklch, compute: () => number): number {
  const key = `${kind}${color.l},${color.c},${color.h}`;
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size > 100_000) cache.clear();
    value = compute();
    cache.set(key, value);
  }
  return value;
}

/** WCAG 2.x relative luminance of the painted sRGB colour. */
export function luminance(color: Oklch): number {
  return memo('y', color, () => computeLuminance(color));
}

function computeLuminance(color: Oklch): number {
  const lin = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = toSrgb(color).map(lin) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio, unrounded (4.499 fails a 4.5 threshold). */
export function contrast(a: Oklch, b: Oklch): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The largest chroma (<= wanted) that keeps this lightness and hue inside sRGB. */
export function gamutChroma(l: number, c: number, h: number): number {
  if (inSrgbGamut(quantize({ l, c, h }))) return c;
  let lo = 0;
  let hi = c;
  for (let i = 0; i < 24; i += 1) {
    const mid = (lo + hi) / 2;
    if (inSrgbGamut(quantize({ l, c: mid, h }))) lo = mid;
    else hi = mid;
  }
  return Math.floor(lo * 10000) / 10000;
}

export function formatOklch(color: Oklch): string {
  const q = quantize(color);
  return `oklch(${q.l} ${q.c} ${q.h})`;
}
