import type { BenchResources } from './resources';

/** One benchmark's contribution to bench/results.md. Each compares against a baseline in the same run. */
export interface BenchSection {
  title: string;
  /** The command that reproduces just this section, e.g. `npm run bench -- scheduling`. */
  command: string;
  /** Markdown body: a table of figures with the baseline and the ratio, and the assumptions. */
  markdown: string;
}

export interface BenchModule {
  name: string;
  /** Registers everything it starts with `resources` as it starts it; the runner releases them. */
  run(resources: BenchResources): Promise<BenchSection>;
}
