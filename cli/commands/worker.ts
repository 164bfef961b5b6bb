import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../base';
import { keepRunningOnClosedOutput } from '../closed-output';

export class WorkerCommand extends BrCommand {
  static override paths = [['worker']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Run a worker: builds, tasks and git on the build queue, Claude calls on per-model queues',
    details: `
      Polls the build task queue (workflows, git and persistence activities) and one task queue per model
      in the catalog (Claude activities), so a fleet-wide rate limit per model is a task-queue setting.
      Run as many workers as you like against one Temporal cluster and one database. Ctrl-C (SIGINT),
      SIGTERM or SIGHUP (its terminal closed) drains: polling stops and running activities get --drain-seconds to finish, then are
      handed back to the other workers. The worker shows in the Web UI as <pid>@<host> buildrunner/<version>.
      A remote build's repository is fetched into this worker's own cache clone (--cache-dir); credentials
      for the remote come from this worker's environment or git config. The Anthropic key is read here,
      from ANTHROPIC_API_KEY or .env; the heuristic planner and estimator work without it.
    `,
    examples: [
      ['Poll every queue', '$0 worker'],
      ['Only Claude calls, four at a time', '$0 worker --queues claude --max-concurrent-activities 4'],
      ['Builds and only the Haiku queue', '$0 worker --models haiku'],
      ['Prometheus metrics on port 9464', '$0 worker --metrics-port 9464'],
      ['Two tasks and four Claude calls per model at once', '$0 worker --max-tasks 2 --max-claude-calls 4'],
    ],
  });

  queues = Option.String('--queues', { description: 'Comma-separated: build, claude (default both)' });
  models = Option.String('--models', {
    description: 'Comma-separated model ids or tiers whose Claude queues to poll (default all)',
  });
  maxConcurrent = Option.String('--max-concurrent-activities', {
    description: 'Activities this process runs at once, per queue (default 8)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 1000)]),
  });

  maxTasks = Option.String('--max-tasks', {
    description:
      'Task steps (worktree, commit, verify, merge) at once on the build queue (default: --max-concurrent-activities)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 1000)]),
  });
  maxClaude = Option.String('--max-claude-calls', {
    description:
      'Claude calls at once on each model queue this worker polls (default: --max-concurrent-activities)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 1000)]),
  });
  drain = Option.String('--drain-seconds', {
    description:
      'On SIGTERM, how long running activities may finish before they are handed back (default 30)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(0, 86400)]),
  });
  cacheDir = Option.String('--cache-dir', {
    description:
      "This worker's own folder for cache clones of remote builds (default $BR_CACHE_DIR or ~/.cache/buildrunner)",
  });

  metricsPort = Option.String('--metrics-port', {
    description: 'Serve Prometheus metrics (Temporal SDK and BuildRunner) at http://<host>:N/metrics',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(0, 65535)]),
  });
  metricsHost = Option.String('--metrics-host', {
    description: 'Address the metrics server binds (default 127.0.0.1; 0.0.0.0 for a remote Prometheus)',
  });

  verbose = Option.Boolean('--verbose', false, {
    description:
      'Show the Temporal SDK and bundler logs here too (they always go to .buildrunner/logs/worker.log)',
  });
  logLevel = Option.String('--log-level', {
    description: 'TRACE, DEBUG, INFO, WARN or ERROR (default: config logging.level, INFO)',
    validator: t.isEnum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const),
  });
  logFormat = Option.String('--log-format', {
    description: 'text or json, one object per line for log shippers (default: config logging.format, text)',
    validator: t.isEnum(['text', 'json'] as const),
  });

  skipSchedules = Option.Boolean('--skip-schedules', false, {
    description: 'Do not create or update the maintenance schedules on start',
  });

  async execute(): Promise<number> {
    keepRunningOnClosedOutput();
    const { serveWorker } = await import('../../services/worker');
    const ctx = await this.serviceContext();
    this.print(`Temporal ${ctx.config.temporal.address}, namespace ${ctx.config.temporal.namespace}`);
    await serveWorker(ctx, {
      queues: this.queues,
      maxConcurrentActivities: this.maxConcurrent,
      maxConcurrentTasks: this.maxTasks,
      maxConcurrentClaudeCalls: this.maxClaude,
      drainSeconds: this.drain,
      cacheDir: this.cacheDir,
      metricsPort: this.metricsPort,
      metricsHost: this.metricsHost,
      models: this.models,
      applySchedules: !this.skipSchedules,
      log: (line) => this.print(line),
      verbose: this.verbose,
      ...(this.logLevel ? { logLevel: this.logLevel } : {}),
      ...(this.logFormat ? { logFormat: this.logFormat } : {}),
    });
    this.print('Worker stopped.');
    return 0;
  }
}
