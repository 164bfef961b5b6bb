import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import type { MetricsExporterConfig } from '@temporalio/worker';
import { UserError } from '../lib/errors';
import { redactSecrets } from '../lib/secrets/redact';

/**
 * Where `br dev` and `br worker` put what the Temporal SDK, its core and the bundler log: a file under
 * .buildrunner/logs/, rotated by size (the file and 3 older ones at most), so the screen keeps the
 * summary and the build events. `--verbose` copies every line to the screen as well. Written
 * synchronously: a few lines a second at most, and none is lost when the process is killed.
 * No logging library: a size check and three renames are the whole of the rotation.
 */

export type LogFormat = 'text' | 'json';
const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface FileLoggerOptions {
  file: string;
  level: LogLevel;
  format: LogFormat;
  /** Every line also here (--verbose). */
  echo?: (line: string) => void;
  /** Rotate when the file passes this size (default 10 MB). */
  maxBytes?: number;
  /** Rotated files kept: file.1 … file.N (default 3). */
  keep?: number;
  /** Told once when lines cannot be written (a full disk): they are dropped, the process goes on. */
  onError?: (message: string) => void;
}

export class RotatingFile {
  private fd: number | null;
  private size: number;
  private failing = false;

  constructor(
    readonly file: string,
    private readonly maxBytes = 10 * 1024 * 1024,
    private readonly keep = 3,
    private readonly onError?: (message: string) => void,
  ) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      this.fd = openSync(file, 'a');
    } catch (err) {
      throw new UserError(
        `Cannot open the log file ${file}: ${(err as Error).message}. ` +
          `Make ${path.dirname(file)} a writable folder, or set logging.dir in the config to another one.`,
        { code: 'LOG_FILE_UNAVAILABLE' },
      );
    }
    this.size = fstatSync(this.fd).size;
  }

  /**
   * Never throws: a log line that cannot be written (ENOSPC, a file gone read-only) is dropped, and
   * onError hears of it once per run of failures. A throw here would reach the SDK's log flush and
   * crash the worker with its activities running.
   */
  write(line: string): void {
    const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
    try {
      if (this.fd === null || (this.size > 0 && this.size + bytes.length > this.maxBytes)) this.rotate();
      writeSync(this.fd!, bytes);
      this.size += bytes.length;
      this.failing = false;
    } catch (err) {
      if (this.failing) return;
      this.failing = true;
      this.onError?.(
        `Log file ${this.file} cannot be written (${(err as Error).message}); its lines are dropped until it can.`,
      );
    }
  }

  private rotate(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    try {
      rmSync(`${this.file}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--)
        if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      if (existsSync(this.file)) renameSync(this.file, `${this.file}.1`);
    } finally {
      this.fd = openSync(this.file, 'a');
      this.size = fstatSync(this.fd).size;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function metaText(meta: LogMetadata | undefined): string {
  if (!meta || Object.keys(meta).length === 0) return '';
  try {
    return ` ${JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  } catch {
    return ' {unprintable metadata}';
  }
}

export function formatLine(format: LogFormat, level: LogLevel, message: string, meta?: LogMetadata): string {
  const time = new Date().toISOString();
  // One line, inert on a terminal (--verbose): control characters and line breaks as JSON escapes.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const inert = /[\u0000-\u001f\u007f-\u009f]/.test(message) ? JSON.stringify(message).slice(1, -1) : message;
  if (format === 'text') return `${time} [${level}] ${inert}${metaText(meta)}`;
  try {
    return JSON.stringify({ time, level, message, ...meta }, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
  } catch {
    return JSON.stringify({ time, level, message });
  }
}

/** A Temporal SDK Logger writing to a rotated file (and the screen with --verbose). */
export class FileLogger implements Logger {
  private readonly out: RotatingFile;
  private readonly min: number;

  constructor(private readonly options: FileLoggerOptions) {
    this.out = new RotatingFile(options.file, options.maxBytes, options.keep, options.onError);
    this.min = LEVELS.indexOf(options.level);
  }

  get file(): string {
    return this.out.file;
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (LEVELS.indexOf(level) < this.min) return;
    // Key-shaped text (an API key in an error the SDK logs) never reaches the file or the screen.
    const line = redactSecrets(formatLine(this.options.format, level, message, meta));
    this.out.write(line);
    this.options.echo?.(line);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Installs the SDK Runtime with this logger, the core's own logs forwarded to it; metrics options ride
 * along (worker/metrics.ts). Once per process, before the first NativeConnection.
 */
export async function installRuntime(
  logger: Logger | undefined,
  level: LogLevel,
  metrics?: MetricsExporterConfig,
): Promise<void> {
  const { Runtime, makeTelemetryFilterString } = await import('@temporalio/worker');
  Runtime.install({
    ...(logger ? { logger } : {}),
    telemetryOptions: {
      ...(logger ? { logging: { forward: {}, filter: makeTelemetryFilterString({ core: level }) } } : {}),
      ...(metrics ? { metrics } : {}),
    },
  });
}
