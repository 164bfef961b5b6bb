import { UserError } from '../errors';
import { colorOf, describeValue, flatten, pxOf, sameValue, type DtcgToken } from './dtcg';
import { metaOf, type DesignLayer, type DesignSettings, type LayerKind } from './layers';
import { MODES, SEMANTIC, SURFACES, TEXTS, type Mode } from './semantic';

/** brand overrides > pattern > profile > base, except where a rule below protects users. */
export const PRECEDENCE: LayerKind[] = ['base', 'profile', 'pattern', 'brand'];

export type MergeRule = 'precedence' | 'floor' | 'strictest' | 'mode-guard';

export interface Conflict {
  path: string;
  sources: { source: string; value: string }[];
  winner: string;
  value: string;
  rule: MergeRule;
  note?: string;
}

export interface Sourced<T> {
  value: T;
  source: string;
}

export interface MergedLayers {
  tokens: Map<string, Sourced<DtcgToken>>;
  settings: { [K in keyof DesignSettings]-?: Sourced<NonNullable<DesignSettings[K]>> };
  conflicts: Conflict[];
}

const STRICTNESS: Record<string, string[]> = {
  contrast: ['AA', 'AAA'],
  colorAlone: ['allowed', 'never'],
};

/** Paths a brand file may set; anything else is a typo or a mode-less colour. */
function brandPathAllowed(path: string): boolean {
  const [ns, mode, name] = path.split('.');
  if (ns === 'color')
    return MODES.includes(mode as Mode) && (SEMANTIC as readonly string[]).includes(name ?? '');
  return ['palette', 'font', 'size', 'space', 'radius'].includes(ns ?? '');
}

/** A light-mode surface must be light and its text dark, and the reverse in dark mode. */
export function violatesMode(path: string, token: DtcgToken): string | null {
  const [ns, mode, name] = path.split('.') as [string, Mode, string];
  if (ns !== 'color' || token.$type !== 'color') return null;
  const l = colorOf(token).l;
  const surface = SURFACES.includes(name as never);
  const textual = TEXTS.includes(name as never);
  if (!surface && !textual) return null;
  const wantsLight = (mode === 'light') === surface;
  // Surfaces sit far enough out that any text colour can still reach 7:1 against them.
  const [low, high] = surface ? [0.85, 0.3] : [0.7, 0.45];
  if (wantsLight && l < low) return `${mode}-mode ${name} must be light (OKLCH L >= ${low}), got L ${l}`;
  if (!wantsLight && l > high) return `${mode}-mode ${name} must be dark (OKLCH L <= ${high}), got L ${l}`;
  return null;
}

function sourceName(layer: DesignLayer): string {
  return `${layer.meta.kind}:${layer.meta.id}`;
}

export function mergeLayers(layers: DesignLayer[]): MergedLayers {
  const ordered = [...layers].sort(
    (a, b) => PRECEDENCE.indexOf(a.meta.kind) - PRECEDENCE.indexOf(b.meta.kind),
  );
  const candidates = new Map<string, Sourced<DtcgToken>[]>();
  const conflicts: Conflict[] = [];
  const baseTypes = new Map<string, string>();
  for (const layer of ordered) {
    for (const { path, token } of flatten(layer.document)) {
      if (layer.meta.kind === 'brand') {
        if (!brandPathAllowed(path)) {
          throw new UserError(
            `brand token ${path} is not one the theme reads: use palette.* seeds for both modes, or color.light.<name> / color.dark.<name> with a shadcn name (${SEMANTIC.slice(0, 4).join(', ')}, …)`,
          );
        }
        const want = baseTypes.get(path) ?? (path.startsWith('color.') ? 'color' : undefined);
        if (want && want !== token.$type)
          throw new UserError(`brand token ${path} must have $type ${want}, got ${token.$type}`);
      }
      if (layer.meta.kind === 'base') baseTypes.set(path, token.$type);
      const list = candidates.get(path) ?? [];
      list.push({ value: token, source: sourceName(layer) });
      candidates.set(path, list);
    }
  }

  const tokens = new Map<string, Sourced<DtcgToken>>();
  for (const path of [...candidates.keys()].sort()) {
    const all = candidates.get(path)!;
    const accepted = all.filter((c) => !violatesMode(path, c.value));
    for (const rejected of all.filter((c) => violatesMode(path, c.value))) {
      conflicts.push({
        path,
        sources: all.map((c) => ({ source: c.source, value: describeValue(c.value) })),
        winner: accepted.at(-1)?.source ?? 'derived from palette',
        value: accepted.at(-1) ? describeValue(accepted.at(-1)!.value) : 'derived',
        rule: 'mode-guard',
        note: violatesMode(path, rejected.value) ?? undefined,
      });
    }
    if (accepted.length === 0) continue;
    const rule: MergeRule = path === 'size.target-min' ? 'floor' : 'precedence';
    const winner =
      rule === 'floor'
        ? accepted.reduce((best, c) => (pxOf(c.value) >= pxOf(best.value) ? c : best))
        : accepted[accepted.length - 1]!;
    tokens.set(path, winner);
    if (accepted.some((c) => !sameValue(c.value, winner.value))) {
      conflicts.push({
        path,
        sources: accepted.map((c) => ({ source: c.source, value: describeValue(c.value) })),
        winner: winner.source,
        value: describeValue(winner.value),
        rule,
        ...(rule === 'floor' ? { note: 'the largest minimum target size wins, whatever its layer' } : {}),
      });
    }
  }

  const settings = {} as Record<string, Sourced<unknown>>;
  const keys = [...new Set(ordered.flatMap((l) => Object.keys(metaOf(l.document).settings)))].sort();
  for (const key of keys) {
    const all = ordered
      .map((l) => ({ source: sourceName(l), value: (l.meta.settings as Record<string, unknown>)[key] }))
      .filter((c) => c.value !== undefined);
    const scale = STRICTNESS[key];
    const rule: MergeRule = scale ? 'strictest' : 'precedence';
    const winner = scale
      ? all.reduce((best, c) =>
          scale.indexOf(String(c.value)) >= scale.indexOf(String(best.value)) ? c : best,
        )
      : all[all.length - 1]!;
    settings[key] = winner;
    if (all.some((c) => c.value !== winner.value)) {
      conflicts.push({
        path: `settings.${key}`,
        sources: all.map((c) => ({ source: c.source, value: String(c.value) })),
        winner: winner.source,
        value: String(winner.value),
        rule,
        ...(scale ? { note: 'the stricter accessibility setting wins, whatever its layer' } : {}),
      });
    }
  }
  for (const key of [
    'contrast',
    'density',
    'colorAlone',
    'defaultMode',
    'tone',
    'layout',
    'navigation',
    'dataDisplay',
  ]) {
    settings[key] ??= { value: '', source: 'none' };
  }
  return { tokens, settings: settings as MergedLayers['settings'], conflicts };
}
