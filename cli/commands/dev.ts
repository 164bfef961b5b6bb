import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../base';
import { keepRunningOnClosedOutput } from '../closed-output';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export class DevCommand extends BrCommand {
  static override paths = [['dev']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description:
      'Run the local stack: Temporal dev server, shared embedded database, a worker and the schedules',
    details: `
      Uses a \`temporal\` binary on PATH, else the Temporal SDK's dev server (downloaded on first use).
      With TEMPORAL_ADDRESS set it uses that cluster instead of starting one. The embedded database is
      served on loopback so \`br\` commands in other terminals share it. Ctrl-C, SIGTERM or SIGHUP
      stops everything; if \`br dev\` is killed outright, a watchdog stops the Temporal server.
    `,
    examples: [
      ['Start the local stack', '$0 dev'],
      ['Use a Temporal started by docker compose', 'TEMPORAL_ADDRESS=localhost:7233 $0 dev'],
    ],
  });

  port = Option.String('--port', {
    description: 'Temporal gRPC port (default 7233)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 65535)]),
  });
  uiPort = Option.String('--ui-port', {
    description: 'Temporal Web UI port (default 8233)',
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 65535)]),
  });

  verbose = Option.Boolean('--verbose', false, {
    description:
      'Show the Temporal SDK and bundler logs here too (they always go to .buildrunner/logs/dev.log)',
  });
  logLevel = Option.String('--log-level', {
    description: 'TRACE, DEBUG, INFO, WARN or ERROR (default: config logging.level, INFO)',
    validator: t.isEnum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const),
  });
  logFormat = Option.String('--log-format', {
    description: 'text or json, one object per line for log shippers (default: config logging.format, text)',
    validator: t.isEnum(['text', 'json'] as const),
  });

  async execute(): Promise<number> {
    keepRunningOnClosedOutput();
    const [{ startDevStack }, { NO_WEB_UI }] = await Promise.all([
      import('../../services/dev'),
      import('../../services/temporal-client'),
    ]);
    const stack = await startDevStack(await this.serviceContext(), {
      grpcPort: this.port,
      uiPort: this.uiPort,
      log: (line) => this.print(line),
      verbose: this.verbose,
      ...(this.logLevel ? { logLevel: this.logLevel } : {}),
      ...(this.logFormat ? { logFormat: this.logFormat } : {}),
    });
    this.print('');
    this.print(`Temporal gRPC  ${stack.temporalAddress}`);
    this.print(`Web UI         ${stack.webUiUrl ?? NO_WEB_UI}`);
    this.print(`Database       ${stack.database}`);
    this.print(`Logs           ${stack.logFile}${this.verbose ? '' : '   (--verbose shows them here)'}`);
    this.print(
      '\nReady. In another terminal: br build start PROJECT_SPEC.md --watch   (Ctrl-C here stops the stack)',
    );
    await new Promise<void>((resolve) => {
      // Ctrl-C, `kill`, or the terminal closing (SIGHUP): each stops the stack the same way.
      for (const signal of STOP_SIGNALS) process.once(signal, () => resolve());
    });
    this.print('\nStopping…');
    await stack.stop();
    this.print('Stopped.');
    return 0;
  }
}
