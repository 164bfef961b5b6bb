/**
 * The notifier activity: delivers one (event, sink) pair (deliver.ts) and fails, when it fails, with
 * type NOTIFY_FAILED, the masked message and { kind, hint }; a failure the sink calls final is not
 * retried. The plugins are loaded once per worker, on the first delivery.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { BuildRunnerConfig } from '../../lib/config';
import type { NotifyFailureDetails, NotifyInput, NotifyResult } from '../../lib/contracts';
import type { Database } from '../../lib/db/connection';
import { deliverNotification, NotifyFailure } from './deliver';
import { loadPlugins, type PluginSet } from './loader';

export const NOTIFY_FAILED = 'NOTIFY_FAILED';

export function createNotifyActivities(deps: {
  db: Database;
  config: BuildRunnerConfig;
  root: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces the configured plugins (tests). */
  plugins?: () => Promise<PluginSet>;
}): { notify(input: NotifyInput): Promise<NotifyResult> } {
  let loaded: Promise<PluginSet> | undefined;
  const plugins =
    deps.plugins ?? (() => (loaded ??= loadPlugins({ root: deps.root, plugins: deps.config.plugins })));
  return {
    async notify(input) {
      const { Context, log } = await import('@temporalio/activity');
      const ctx = Context.current();
      try {
        return await deliverNotification(
          { ...deps, env: deps.env ?? process.env, plugins, log: (line) => void log.info(line) },
          input,
          {
            attempt: ctx.info.attempt,
            signal: ctx.cancellationSignal,
            ...(deps.config.temporal.webUiUrl ? { webUiUrl: deps.config.temporal.webUiUrl } : {}),
          },
        );
      } catch (err) {
        if (!(err instanceof NotifyFailure)) throw err;
        const details: NotifyFailureDetails = { kind: err.kind, ...(err.hint ? { hint: err.hint } : {}) };
        throw ApplicationFailure.create({
          type: NOTIFY_FAILED,
          message: err.message,
          nonRetryable: !err.retryable,
          details: [details],
        });
      }
    },
  };
}
