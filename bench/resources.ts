/**
 * What a bench has started (servers, workers, connections, databases, temporary folders), released in
 * the reverse order of their start by the runner after the bench's run, whether it returned or threw:
 * a bench registers each thing the moment it has it, so a throw between two starts (a worker that
 * fails to start after its server did) leaves nothing running.
 */
export class BenchResources {
  private readonly closers: { what: string; close: () => unknown }[] = [];

  constructor(private readonly closeTimeoutMs = 30_000) {}

  /** Registers `close(resource)` and returns the resource: `const server = res.hold(await start(), (s) => s.stop())`. */
  hold<T>(resource: T, close: (resource: T) => unknown, what = 'a resource'): T {
    this.closers.push({ what, close: () => close(resource) });
    return resource;
  }

  /** Registers a clean-up step that holds no value (a database to drop, a folder to remove). */
  defer(close: () => unknown, what = 'a clean-up step'): void {
    this.closers.push({ what, close });
  }

  /**
   * Runs every registered step, last first, each once, each given `closeTimeoutMs`; a step that throws
   * or does not finish in time does not stop the others. Returns what failed.
   */
  async close(): Promise<Error[]> {
    const failed: Error[] = [];
    for (let step = this.closers.pop(); step; step = this.closers.pop()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not done in ${this.closeTimeoutMs} ms`)),
          this.closeTimeoutMs,
        );
      });
      try {
        await Promise.race([Promise.resolve().then(step.close), late]);
      } catch (err) {
        failed.push(new Error(`closing ${step.what}: ${err instanceof Error ? err.message : String(err)}`));
      } finally {
        clearTimeout(timer);
      }
    }
    return failed;
  }
}

/**
 * Runs `use` with resources of its own, released as soon as it ends (one measurement's database, say,
 * closed before the next is taken). A release that fails after `use` succeeded is thrown.
 */
export async function withResources<T>(use: (res: BenchResources) => Promise<T>): Promise<T> {
  const res = new BenchResources();
  let result: T;
  try {
    result = await use(res);
  } catch (err) {
    await res.close();
    throw err;
  }
  const [failed] = await res.close();
  if (failed) throw failed;
  return result;
}
