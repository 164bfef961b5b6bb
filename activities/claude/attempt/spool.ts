import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { CostWrite } from '../cost';

/**
 * The cost-row writes an attempt could not get to the database, on the worker's local disk: one
 * append-only file per attempt's outage (JSON lines, mode 0600), each line fsynced before `append`
 * returns, so a request's estimate is durable before the request is sent. A worker SIGKILLed with the
 * database away thus still leaves every request it sent on record; `drainSpool` (spool-drain.ts) writes
 * those files once the database is back. The rows hold token counts, prices and keys of requests, no
 * secret; `append` refuses a line that holds one of the secrets it is given (the API key) all the same.
 *
 * A file is named after the process that writes it (`<pid>.<start>.<n>-<random>.jsonl`, start = the
 * process's start time as the kernel counts it), so a drainer can tell a live worker's file (left
 * alone) from a dead one's (claimed by an atomic rename, replayed, removed).
 */

/** The one folder rule (the worker's cache dir: activities/git/cache-dir.ts), plus this subfolder. */
export function costSpoolDir(cacheDir: string): string {
  return path.join(cacheDir, 'cost-spool');
}

export interface SpoolOwner {
  pid: number;
  /** The process's start time (Linux: /proc/<pid>/stat field 22); '0' where it cannot be read. */
  start: string;
}

/** When a process started, as the kernel counts it: with the pid, it tells a reused pid apart. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let self: SpoolOwner | undefined;
export function thisProcess(): SpoolOwner {
  self ??= { pid: process.pid, start: processStart(process.pid) ?? '0' };
  return self;
}

/** Whether the process that wrote (or claimed) a spool file still runs: same pid and same start time. */
export function ownerAlive(owner: SpoolOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(owner.pid);
  return start === undefined || owner.start === '0' || start === owner.start;
}

const NAME = /^(\d+)\.(\d+)\.(c?)(\d+)-[0-9a-f]+\.jsonl$/;

/** The owner of a spool file by its name, and whether it is a drainer's claim; undefined for other files. */
export function parseSpoolName(name: string): (SpoolOwner & { claim: boolean }) | undefined {
  const m = NAME.exec(name);
  return m ? { pid: Number(m[1]), start: m[2]!, claim: m[3] === 'c' } : undefined;
}

let sequence = 0;
/** A new file name owned by this process (`claim`: a drainer's claim of a dead owner's file). */
export function spoolName(claim = false): string {
  const { pid, start } = thisProcess();
  sequence += 1;
  return `${pid}.${start}.${claim ? 'c' : ''}${sequence}-${randomBytes(4).toString('hex')}.jsonl`;
}

/** The folder, made private to the worker's user (0700) if it is new. */
export async function ensureSpoolDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** One attempt's spool file: opened on the first append, removed once its rows are all in the database. */
export class CostSpool {
  private file: FileHandle | undefined;
  private filePath: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly secrets: readonly string[] = [],
  ) {}

  /** The file in use, if any (tests read it). */
  get path(): string | undefined {
    return this.filePath;
  }

  /** Appends the write as one line and fsyncs it (and, for a new file, its folder entry). */
  async append(w: CostWrite): Promise<void> {
    const line = `${JSON.stringify(w)}\n`;
    if (this.secrets.some((s) => s.length > 0 && line.includes(s)))
      throw new Error('A cost row to spool holds a secret; it is not written to disk.');
    if (!this.file) {
      await ensureSpoolDir(this.dir);
      this.filePath = path.join(this.dir, spoolName());
      this.file = await open(this.filePath, 'a', 0o600);
      await syncDir(this.dir);
    }
    await this.file.write(line);
    await this.file.datasync();
  }

  /** The attempt gives up waiting: the file becomes this process's claim, which its next drain replays. */
  async handOver(): Promise<void> {
    const at = await this.detach();
    if (at) await rename(at, path.join(this.dir, spoolName(true)));
  }

  /** Every row in the file is in the database: the file goes. */
  async discard(): Promise<void> {
    const at = await this.detach();
    if (at) await rm(at, { force: true });
  }

  /** Lets go of the file in use, closed, and returns its path; undefined when none was opened. */
  private async detach(): Promise<string | undefined> {
    const file = this.file;
    const at = this.filePath;
    this.file = undefined;
    this.filePath = undefined;
    if (!file || !at) return undefined;
    await file.close().catch(() => undefined);
    return at;
  }
}

/** Makes a file's creation or rename in `dir` durable (where the platform allows a folder to be fsynced). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
