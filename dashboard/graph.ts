import { stateClass } from './format';
import { html, type Html } from './html';

/**
 * The task graph as inline SVG drawn on the server: a column per dependency depth, an arrow from each
 * task to the tasks that wait on it, boxes coloured by state. No script is needed to see it.
 */

export interface GraphTask {
  taskKey: string;
  title: string;
  status: string;
  dependsOn: string[];
}

const COL = 290;
const ROW = 46;
const BOX_W = 260;
const BOX_H = 34;

export function depths(tasks: GraphTask[]): Map<string, number> {
  const byKey = new Map(tasks.map((t) => [t.taskKey, t]));
  const depth = new Map<string, number>();
  const visit = (key: string, seen: Set<string>): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    // Plans are validated acyclic; a cycle in a damaged record is drawn flat instead of looping.
    if (seen.has(key)) return 0;
    seen.add(key);
    const deps = (byKey.get(key)?.dependsOn ?? []).filter((d) => byKey.has(d));
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => visit(dep, seen)));
    depth.set(key, d);
    return d;
  };
  for (const t of tasks) visit(t.taskKey, new Set());
  return depth;
}

export function taskGraph(tasks: GraphTask[]): Html {
  if (tasks.length === 0) return html`<p class="muted">No tasks recorded yet.</p>`;
  const depth = depths(tasks);
  const rowsUsed = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  for (const t of tasks) {
    const col = depth.get(t.taskKey)!;
    const row = rowsUsed.get(col) ?? 0;
    rowsUsed.set(col, row + 1);
    pos.set(t.taskKey, { x: 10 + col * COL, y: 10 + row * ROW });
  }
  const width = 20 + (Math.max(...depth.values()) + 1) * COL;
  const height = 20 + Math.max(...rowsUsed.values()) * ROW;
  const edges = tasks.flatMap((t) =>
    t.dependsOn
      .filter((d) => pos.has(d))
      .map((d) => {
        const from = pos.get(d)!;
        const to = pos.get(t.taskKey)!;
        const x1 = from.x + BOX_W;
        const y1 = from.y + BOX_H / 2;
        const x2 = to.x - 2;
        const y2 = to.y + BOX_H / 2;
        return html`<path
          class="edge"
          marker-end="url(#arrow)"
          d="M${x1},${y1} C${x1 + 14},${y1} ${x2 - 14},${y2} ${x2},${y2}"
        />`;
      }),
  );
  const boxes = tasks.map((t) => {
    const p = pos.get(t.taskKey)!;
    const label = clip(t.title, 33);
    const waits = t.dependsOn.length > 0 ? `; waits on ${t.dependsOn.join(', ')}` : '';
    return html`<g class="${stateClass(t.status)}" data-task="${t.taskKey}"
      ><title>${t.taskKey}: ${t.title} (${t.status}${waits})</title>
      <rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="5" />
      <text x="${p.x + 8}" y="${p.y + 14}">${label}</text>
      <text x="${p.x + 8}" y="${p.y + 28}">${clip(`${t.taskKey} · ${t.status.toLowerCase()}`, 35)}</text></g
    >`;
  });
  return html`<div class="graph">
    <svg
      role="img"
      aria-labelledby="graph-title"
      width="${width}"
      height="${height}"
      viewBox="0 0 ${width} ${height}"
    >
      <title id="graph-title">
        Task graph: ${tasks.length} tasks; an arrow points from a task to the tasks that wait on it
      </title>
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
        </marker>
      </defs>
      ${edges} ${boxes}
    </svg>
  </div>`;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
