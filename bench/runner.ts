import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BenchResources } from './resources';
import type { BenchModule, BenchSection } from './types';

/** Every `*.bench.ts` of `dir`, by file name, or only those whose `name` is wanted. */
export function loadBenches(dir: string, wanted: string[]): BenchModule[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map(
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (file) => (require(path.join(dir, file)) as { default: BenchModule }).default,
    )
    .filter((mod) => !wanted.length || wanted.includes(mod.name));
}

/** A bench that threw: its error, after what it had started was released (and what could not be). */
export class BenchFailed extends Error {
  constructor(
    readonly bench: string,
    override readonly cause: unknown,
    readonly unreleased: Error[],
  ) {
    const why = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    const left = unreleased.map((e) => `\n  not released: ${e.message}`).join('');
    super(`bench ${bench} failed: ${why}${left}`);
    this.name = 'BenchFailed';
  }
}

export interface BenchRun {
  sections: BenchSection[];
  /** Resources of benches that ran to the end but could not be released (something may still run). */
  unreleased: Error[];
}

/**
 * Runs the benches one after another, each with its own resources, released after its run however it
 * ended. The first bench that throws stops the run with a BenchFailed.
 */
export async function runBenches(
  modules: BenchModule[],
  log: (line: string) => void,
  closeTimeoutMs?: number,
): Promise<BenchRun> {
  const sections: BenchSection[] = [];
  const unreleased: Error[] = [];
  for (const mod of modules) {
    const started = Date.now();
    log(`bench ${mod.name}…`);
    const resources = new BenchResources(closeTimeoutMs);
    let section: BenchSection;
    try {
      section = await mod.run(resources);
    } catch (err) {
      throw new BenchFailed(mod.name, err, await resources.close());
    }
    for (const err of await resources.close()) {
      log(`bench ${mod.name}: ${err.message}`);
      unreleased.push(err);
    }
    log(`bench ${mod.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    sections.push(section);
  }
  return { sections, unreleased };
}
