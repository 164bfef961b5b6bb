import { contrast, formatOklch, gamutChroma, luminance, quantize, toHex, type Oklch } from './color';
import type { ContrastLevel } from './layers';
import { REQUIRED_PAIRS, threshold, type Mode, type PairKind, type SemanticName } from './semantic';

export interface PairCheck {
  mode: Mode;
  fg: SemanticName;
  bg: SemanticName;
  kind: PairKind;
  use: string;
  threshold: number;
  ratio: number;
  pass: boolean;
}

export interface ColorState {
  oklch: string;
  hex: string;
}

export interface Repair {
  mode: Mode;
  token: SemanticName;
  pair: string;
  kind: PairKind;
  threshold: number;
  before: ColorState & { ratio: number };
  after: ColorState & { ratio: number };
  /** `lightness`: hue and chroma kept; `lightness+gamut`: chroma lowered only where sRGB ends. */
  method: 'lightness' | 'lightness+gamut';
  /** `below`: the pair failed; `margin`: it passed by under 0.02 and was given headroom. */
  reason: 'below' | 'margin';
}

/**
 * Repairs aim a little above the threshold so that a browser's own rounding of the same colour
 * cannot fall under it; the gate itself compares the unrounded ratio with the threshold.
 */
const MARGIN = 0.04;
const STEP = 0.02;
/** A pair that passes by less than this is moved too: another converter may round one step lower. */
const NEAR = 0.02;

function state(c: Oklch): ColorState {
  return { oklch: formatOklch(c), hex: toHex(c) };
}

/** The nearest lightness (either direction) at the same hue and chroma that reaches `target`. */
export function repairLightness(
  moving: Oklch,
  fixed: Oklch,
  target: number,
): { color: Oklch; gamut: boolean } | null {
  const yFixed = luminance(fixed);
  const candidateAt = (l: number) => quantize({ l, c: gamutChroma(l, moving.c, moving.h), h: moving.h });
  let best: { color: Oklch; distance: number } | null = null;
  for (const dir of [-1, 1]) {
    // Black and white bound what a direction can reach; skip one that cannot get there.
    const bound = dir < 0 ? (yFixed + 0.05) / 0.05 : 1.05 / (yFixed + 0.05);
    if (bound < target) continue;
    let failing = moving.l;
    for (let l = moving.l + dir * STEP; dir < 0 ? l >= -STEP : l <= 1 + STEP; l += dir * STEP) {
      const clamped = Math.min(1, Math.max(0, l));
      if (best && Math.abs(clamped - moving.l) >= best.distance) break;
      if (contrast(candidateAt(clamped), fixed) < target) {
        failing = clamped;
        continue;
      }
      // Coarse step found a passing lightness; bisect back towards the last failing one.
      let passing = clamped;
      for (let i = 0; i < 12; i += 1) {
        const mid = (failing + passing) / 2;
        if (contrast(candidateAt(mid), fixed) >= target) passing = mid;
        else failing = mid;
      }
      best = { color: candidateAt(passing), distance: Math.abs(passing - moving.l) };
      break;
    }
  }
  return best && { color: best.color, gamut: best.color.c < moving.c };
}

export function checkPairs(
  mode: Mode,
  colors: Record<SemanticName, Oklch>,
  level: ContrastLevel,
): PairCheck[] {
  return REQUIRED_PAIRS.map((p) => {
    const ratio = contrast(colors[p.fg], colors[p.bg]);
    const min = threshold(p.kind, level);
    return { mode, fg: p.fg, bg: p.bg, kind: p.kind, use: p.use, threshold: min, ratio, pass: ratio >= min };
  });
}

type Colors = Record<SemanticName, Oklch>;
type Moves = [SemanticName, Oklch][];

const PAGE_SURFACES: SemanticName[] = ['background', 'card', 'popover', 'sidebar'];

/** Pairs that pass in `before` and fail in `after`: what a repair would break. */
function broken(before: Colors, after: Colors, level: ContrastLevel): number {
  const fails = (c: Colors, p: (typeof REQUIRED_PAIRS)[number]) =>
    contrast(c[p.fg], c[p.bg]) < threshold(p.kind, level);
  return REQUIRED_PAIRS.filter((p) => !fails(before, p) && fails(after, p)).length;
}

function reach(moving: Oklch, fixed: Oklch, min: number): Oklch | null {
  return (repairLightness(moving, fixed, min + MARGIN) ?? repairLightness(moving, fixed, min))?.color ?? null;
}

/**
 * Ways to repair one pair, best first: move the declared side; move the other side; or push the
 * other side to black or white and then move the declared side (a brand's dark label on a button
 * whose colour must also read as text on the page can only be fixed that way).
 */
function options(colors: Colors, moving: SemanticName, other: SemanticName, min: number): Moves[] {
  const out: Moves[] = [];
  const a = reach(colors[moving], colors[other], min);
  if (a) out.push([[moving, a]]);
  // Page surfaces stay put: moving a card to black to fix one link would restyle the whole page.
  if (PAGE_SURFACES.includes(other)) return out;
  const b = reach(colors[other], colors[moving], min);
  if (b) out.push([[other, b]]);
  for (const l of [1, 0]) {
    const o = colors[other];
    const extreme = quantize({ l, c: gamutChroma(l, o.c, o.h), h: o.h });
    if (contrast(colors[moving], extreme) >= min + MARGIN) {
      out.push([[other, extreme]]);
      continue;
    }
    const d = reach(colors[moving], extreme, min);
    if (d)
      out.push([
        [other, extreme],
        [moving, d],
      ]);
  }
  return out;
}

/** Moves OKLCH lightness of failing pairs until every required pair passes, or throws. */
export function repairMode(
  mode: Mode,
  start: Colors,
  level: ContrastLevel,
): { colors: Colors; repairs: Repair[]; checks: PairCheck[] } {
  let colors = { ...start };
  const repairs: Repair[] = [];
  for (let pass = 0; pass < 8; pass += 1) {
    let changed = false;
    for (const p of REQUIRED_PAIRS) {
      const min = threshold(p.kind, level);
      const ratio = contrast(colors[p.fg], colors[p.bg]);
      if (ratio >= min + NEAR) continue;
      const [moving, other] = p.adjust === 'fg' ? [p.fg, p.bg] : [p.bg, p.fg];
      // The first option that breaks no passing pair wins; otherwise the one that breaks fewest.
      let best: { next: Colors; moves: Moves; broken: number } | null = null;
      for (const moves of options(colors, moving, other, min)) {
        const next = { ...colors, ...Object.fromEntries(moves) };
        const count = broken(colors, next, level);
        if (!best || count < best.broken) best = { next, moves, broken: count };
        if (count === 0) break;
      }
      if (!best) continue;
      for (const [token, after] of best.moves) {
        repairs.push({
          mode,
          token,
          pair: `${p.fg} on ${p.bg}`,
          kind: p.kind,
          threshold: min,
          before: { ...state(colors[token]), ratio },
          after: { ...state(after), ratio: contrast(best.next[p.fg], best.next[p.bg]) },
          method: after.c < colors[token].c ? 'lightness+gamut' : 'lightness',
          reason: ratio < min ? 'below' : 'margin',
        });
      }
      colors = best.next;
      changed = true;
    }
    if (!changed) break;
  }
  const checks = checkPairs(mode, colors, level);
  const failing = checks.filter((c) => !c.pass);
  if (failing.length > 0) {
    const list = failing.map((f) => `${f.fg} on ${f.bg} ${f.ratio.toFixed(3)} < ${f.threshold}`).join('; ');
    throw new Error(`${mode} mode: no lightness repair reaches the contrast threshold: ${list}`);
  }
  return { colors, repairs, checks };
}
