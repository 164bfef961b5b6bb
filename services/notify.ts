/**
 * Notifications as the services see them: the sink instances a starting build carries (checked
 * against the loaded plugins, so a bad config fails before anything starts), and what a build's
 * notifications did, for `br build status` (from the delivery ledger and the NOTIFY_* events).
 */
import { UserError } from '../lib/errors';
import { resolveInstances, type NotifySettings } from '../lib/notify/config';
import type { PluginSet } from '../activities/notify/loader';
import type { ServiceContext } from './context';

export { notificationLines, type NotificationProblem, type NotificationReport } from './notify-report';

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
