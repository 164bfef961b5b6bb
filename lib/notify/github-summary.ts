/**
 * The build summary as GitHub markdown: the pull request body (tasks, costs, the gap report) and
 * the build.finished comment. Pure. Every text that came from a spec, a plan or a model is escaped
 * (no table breaks, no HTML, no hidden marker, no @mention), and the result fits GitHub's limit.
 */
import type { SummaryGaps } from '../gaps/types';
import type { BuildFinishedData } from './events';

/** GitHub refuses a pull request or comment body longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface SummaryTask {
  id: string;
  title: string;
  /** SUCCEEDED, FAILED, BLOCKED, … */
  state: string;
  model?: string;
  /** Decimal string. */
  costUsd?: string;
  attempts?: number;
  commit?: string;
}

export interface BuildSummary {
  buildId: string;
  project?: string;
  outcome?: string;
  baseBranch: string;
  buildBranch: string;
  spentUsd: string;
  budgetUsd?: string;
  durationMs?: number;
  tasks: SummaryTask[];
  /** The build's gap report as its record keeps it (activities/evidence summaryGaps). */
  gaps?: SummaryGaps;
  links?: { status?: string; webUi?: string };
}

/** Text safe inside markdown and a table cell: one line, no HTML, no markup, no mention. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/@(?=\w)/g, '@\u200b')
    .trim();
}

const code = (text: string) =>
  `\`${text
    .replace(/`/g, "'")
    .replace(/[\r\n]+/g, ' ')
    .replace(/\|/g, '\\|')}\``;

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

function linksLine(buildId: string, links?: BuildSummary['links']): string {
  const parts = [links?.status ? code(links.status) : code(`br build status ${buildId}`)];
  if (links?.webUi) parts.push(`[Temporal Web UI](${encodeURI(links.webUi)})`);
  return `Details: ${parts.join(' · ')}`;
}

/** Adds lines while they fit in `room`; returns how many fitted. */
function addBounded(out: string[], lines: string[], room: number): number {
  let used = out.reduce((n, l) => n + l.length + 1, 0);
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (used + line.length + 1 > room) break;
    out.push(line);
    used += line.length + 1;
  }
  return i;
}

function gapLines(gaps: SummaryGaps): string[] {
  const lines = ['', '### Gap report', '', escapeMarkdown(gaps.headline), ''];
  for (const f of gaps.high ?? []) lines.push(`- **high** ${code(f.kind)} ${escapeMarkdown(f.message)}`);
  const rest = gaps.counts ? gaps.counts.medium + gaps.counts.low : 0;
  if (rest) lines.push(`- ${rest} medium or low: ${code('br gaps analyze')}`);
  return lines;
}

/** The pull request body: headline, task table, costs, gaps; at most `limit` characters. */
export function renderBuildSummary(s: BuildSummary, limit = GITHUB_BODY_LIMIT - 200): string {
  const counts = new Map<string, number>();
  for (const t of s.tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const head = [
    `## BuildRunner build ${code(s.buildId)}${s.project ? ` · ${escapeMarkdown(s.project)}` : ''}`,
    '',
    `${s.outcome ? `**${escapeMarkdown(s.outcome)}** · ` : ''}${code(s.buildBranch)} → ${code(s.baseBranch)} · ` +
      `${s.tasks.length} tasks${counts.size ? ` (${[...counts].map(([k, n]) => `${n} ${escapeMarkdown(k.toLowerCase())}`).join(', ')})` : ''}`,
    `Cost: $${s.spentUsd}${s.budgetUsd ? ` of $${s.budgetUsd} budget` : ''}` +
      (s.durationMs !== undefined ? ` · ${formatDuration(s.durationMs)}` : ''),
    '',
    '| task | title | state | model | attempts | cost | commit |',
    '|---|---|---|---|---|---|---|',
  ];
  const rows = s.tasks.map(
    (t) =>
      `| ${code(t.id)} | ${escapeMarkdown(t.title)} | ${escapeMarkdown(t.state)} | ${t.model ? code(t.model) : '—'} | ` +
      `${t.attempts ?? '—'} | ${t.costUsd ? `$${t.costUsd}` : '—'} | ${t.commit ? code(t.commit.slice(0, 12)) : '—'} |`,
  );
  const tail = ['', linksLine(s.buildId, s.links)];
  const room = limit - tail.join('\n').length - 120;
  const out: string[] = [];
  addBounded(out, head, room);
  const fitted = addBounded(out, rows, room);
  if (fitted < rows.length)
    out.push(`| … | ${rows.length - fitted} more tasks: see the build status | | | | | |`);
  if (s.gaps) {
    const lines = gapLines(s.gaps);
    const shown = addBounded(out, lines, room);
    if (shown < lines.length) out.push(`- … ${lines.length - shown} more findings: \`br gaps analyze\``);
  }
  out.push(...tail);
  const text = out.join('\n');
  return text.length <= limit ? text : text.slice(0, limit);
}

/** The comment on the build's pull request when the build finishes. */
export function renderFinishedComment(
  buildId: string,
  d: BuildFinishedData,
  links: { status: string; webUi?: string },
): string {
  const t = d.tasks;
  return [
    `**BuildRunner build ${code(buildId)} finished: ${escapeMarkdown(d.outcome)}**`,
    '',
    `${t.succeeded}/${t.total} tasks succeeded` +
      (t.failed ? `, ${t.failed} failed` : '') +
      (t.blocked ? `, ${t.blocked} blocked` : '') +
      (t.cancelled ? `, ${t.cancelled} cancelled` : '') +
      ` · $${d.spentUsd} · ${formatDuration(d.durationMs)}` +
      (d.headCommit ? ` · head ${code(d.headCommit.slice(0, 12))}` : ''),
    ...(d.message ? ['', `> ${escapeMarkdown(d.message).slice(0, 2000)}`] : []),
    '',
    linksLine(buildId, links),
  ].join('\n');
}
