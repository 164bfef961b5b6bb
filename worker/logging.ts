import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import type { MetricsExporterConfig } from '@temporalio/worker';

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
}

export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    readonly file: string,
    private readonly maxBytes = 10 * 1024 * 1024,
    private readonly keep = 3,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
    this.size = existsSync(file) ? statSync(file).size : 0;
  }

  write(line: string): void {
    const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--)
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    renameSync(this.file, `${this.file}.1`);
    this.fd = openSync(this.file, 'a');
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
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
  if (format === 'text') return `${time} [${level}] ${message}${metaText(meta)}`;
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
    this.out = new RotatingFile(options.file, options.maxBytes, options.keep);
    this.min = LEVELS.indexOf(options.level);
  }

  get file(): string {
    return this.out.file;
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (LEVELS.indexOf(level) < this.min) return;
    const line = formatLine(this.options.format, level, message, meta);
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
