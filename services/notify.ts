/**
 * Notifications as the services see them: the sink instances a starting build carries (checked
 * against the loaded plugins, so a bad config fails before anything starts), and what a build's
 * notifications did, for `br build status` (from the delivery ledger and the NOTIFY_* events).
 */
import { UserError } from '../lib/errors';
import { resolveInstances, type NotifySettings } from '../lib/notify/config';
import type { PluginSet } from '../activities/notify/loader';
import { embeddedDatabaseMissing, withDatabase, type ServiceContext } from './context';

export interface NotificationProblem {
  type: 'NOTIFY_FAILED' | 'NOTIFY_OUTCOME_UNKNOWN';
  sink: string;
  eventType: string;
  kind: string;
  message: string;
  hint?: string;
  at: string;
}

export interface NotificationReport {
  /** Deliveries the ledger holds as sent, per sink instance. */
  sent: Record<string, number>;
  problems: NotificationProblem[];
}

/** The plugins of this project (built-ins and `plugins`), or a UserError naming the broken one. */
export async function projectPlugins(ctx: ServiceContext): Promise<PluginSet> {
  const { loadPlugins } = await import('../activities/notify/loader');
  try {
    return await loadPlugins({ root: ctx.root, plugins: ctx.config.plugins });
  } catch (err) {
    throw new UserError((err as Error).message, {
      code: 'CONFIG_INVALID',
      hint: 'Fix or remove the plugin in "plugins" of buildrunner.config.json; `br plugins doctor` checks them.',
    });
  }
}

/** `notify` of a new build's input; nothing when no sink is configured (the input stays as it was). */
export async function notifySettings(ctx: ServiceContext): Promise<{ notify?: NotifySettings }> {
  if (ctx.config.notify.sinks.length === 0) return {};
  const plugins = await projectPlugins(ctx);
  const defs = new Map([...plugins.sinks].map(([name, s]) => [name, s.sink]));
  const { instances, problems } = resolveInstances(ctx.config.notify.sinks, defs);
  if (problems.length)
    throw new UserError(`Invalid notify configuration; nothing was started:\n  ${problems.join('\n  ')}`, {
      code: 'CONFIG_INVALID',
      hint: '`br plugins list` shows the sinks there are and the events each takes.',
    });
  return { notify: { sinks: instances } };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What a build's notifications did; null without a database (status still shows the rest). */
export async function buildNotifications(
  ctx: ServiceContext,
  buildId: string,
): Promise<NotificationReport | null> {
  if (embeddedDatabaseMissing(ctx)) return null;
  try {
    const rows = await withDatabase(ctx, (db) =>
      db.prisma.telemetryEvent.findMany({
        where: { buildId, type: { in: ['NOTIFY_SENT', 'NOTIFY_FAILED', 'NOTIFY_OUTCOME_UNKNOWN'] } },
        orderBy: { occurredAt: 'asc' },
        select: { type: true, data: true, occurredAt: true },
      }),
    );
    if (rows.length === 0) return null;
    const sent: Record<string, number> = {};
    const problems: NotificationProblem[] = [];
    for (const r of rows) {
      const d = (r.data ?? {}) as Record<string, unknown>;
      const sink = str(d.sink);
      if (r.type === 'NOTIFY_SENT') sent[sink] = (sent[sink] ?? 0) + 1;
      else
        problems.push({
          type: r.type as NotificationProblem['type'],
          sink,
          eventType: str(d.eventType) || str(d.event),
          kind: str(d.kind),
          message: str(d.message),
          ...(str(d.hint) ? { hint: str(d.hint) } : {}),
          at: r.occurredAt.toISOString(),
        });
    }
    return { sent, problems };
  } catch {
    // Status must still show when the database is unreachable; notifications are an extra.
    return null;
  }
}

/** The status lines: what was sent, and each problem with what to do. */
export function notificationLines(report: NotificationReport): string[] {
  const sent = Object.entries(report.sent).map(([sink, n]) => `${sink} ${n}`);
  const lines = [
    `Notifications: ${sent.length ? `sent ${sent.join(', ')}` : 'none sent'}; ${report.problems.length} problem(s)`,
  ];
  for (const p of report.problems) {
    const what = p.type === 'NOTIFY_OUTCOME_UNKNOWN' ? 'outcome unknown' : `failed (${p.kind})`;
    lines.push(`  ${p.sink} ${p.eventType}: ${what}: ${p.message}`);
    if (p.hint) lines.push(`    ${p.hint}`);
  }
  return lines;
}
