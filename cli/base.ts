import { Command, Option, type BaseContext } from 'clipanion';
import type { ServiceContext } from '../services/context';

/**
 * The clipanion context (its `env` included), plus the folder the command runs in and service
 * overrides that in-process tests may pass to runCli. Commands read both from here, never from
 * `process`, so a test runs `br` anywhere without changing its own process.
 */
export interface BrContext extends BaseContext {
  cwd: string;
  services?: Partial<ServiceContext>;
}

export const Category = {
  builds: 'Builds',
  design: 'Design system',
  planning: 'Planning',
  reports: 'Costs & metrics',
  repository: 'Repository guard rails',
  setup: 'Setup & operations',
} as const;

/**
 * Base of every `br` command: output only through this.context streams (so tests capture it),
 * a `--config` option, and helpers to print JSON or text.
 */
export abstract class BrCommand extends Command {
  configFile = Option.String('--config', { description: 'Path to buildrunner.config.json', hidden: true });

  /**
   * Every failure ends here: the report goes to stderr (one JSON object with --json), never stdout,
   * and the exit code comes from the error (cli/error-report.ts).
   */
  override async validateAndExecute(): Promise<number> {
    try {
      return await super.validateAndExecute();
    } catch (err) {
      const { renderError, describeError } = await import('./error-report');
      this.context.stderr.write(renderError(err, (this as { json?: unknown }).json === true));
      return describeError(err).exitCode;
    }
  }

  /** The folder the command runs in: the context's (runCli fills it in), never the process's. */
  protected get cwd(): string {
    return (this.context as Partial<BrContext>).cwd ?? process.cwd();
  }

  /** The environment the command runs with: the context's. */
  protected get env(): NodeJS.ProcessEnv {
    return this.context.env;
  }

  protected async serviceContext(): Promise<ServiceContext> {
    const { createContext } = await import('../services/context');
    const ctx = createContext({
      configFile: this.configFile,
      cwd: this.cwd,
      env: this.env,
      cacheConfig: true,
    });
    // Tests running the CLI in-process may swap services (e.g. builds on the simulation runtime).
    const overrides = (this.context as BrContext).services;
    return overrides ? { ...ctx, ...overrides } : ctx;
  }

  protected print(text = ''): void {
    this.context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  protected printError(text: string): void {
    this.context.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  protected printJson(value: unknown): void {
    this.context.stdout.write(
      `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
    );
  }
}
