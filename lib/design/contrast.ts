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

/** Moves OKLCH lightness of failing pairs until every required pair passes, or throws. */
export function repairMode(
  mode: Mode,
  start: Record<SemanticName, Oklch>,
  level: ContrastLevel,
): { colors: Record<SemanticName, Oklch>; repairs: Repair[]; checks: PairCheck[] } {
  const colors = { ...start };
  const repairs: Repair[] = [];
  for (let pass = 0; pass < 6; pass += 1) {
    let changed = false;
    for (const p of REQUIRED_PAIRS) {
      const min = threshold(p.kind, level);
      const ratio = contrast(colors[p.fg], colors[p.bg]);
      if (ratio >= min + NEAR) continue;
      const [moveName, fixedName] = p.adjust === 'fg' ? [p.fg, p.bg] : [p.bg, p.fg];
      const before = colors[moveName];
      const found =
        repairLightness(before, colors[fixedName], min + MARGIN) ??
        repairLightness(before, colors[fixedName], min);
      if (!found) continue;
      colors[moveName] = found.color;
      changed = true;
      repairs.push({
        mode,
        token: moveName,
        pair: `${p.fg} on ${p.bg}`,
        kind: p.kind,
        threshold: min,
        before: { ...state(before), ratio },
        after: { ...state(found.color), ratio: contrast(colors[p.fg], colors[p.bg]) },
        method: found.gamut ? 'lightness+gamut' : 'lightness',
        reason: ratio < min ? 'below' : 'margin',
      });
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
