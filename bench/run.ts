import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchFailed, loadBenches, runBenches } from './runner';

/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or the named ones) and writes
 * bench/results.md with the machine, the command and the date. Benchmarks, not timed tests.
 * BR_BENCH_DIR names another folder of benches (the runner's tests use it).
 */
async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const dir = process.env.BR_BENCH_DIR ?? __dirname;
  const { sections, unreleased } = await runBenches(loadBenches(dir, wanted), (line) =>
    process.stderr.write(`${line}\n`),
  );
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmark results',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
    `- Node: ${process.version}`,
    `- Command: \`npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}\``,
    '',
  ];
  const body = sections.flatMap((s) => [
    `## ${s.title}`,
    '',
    `Reproduce: \`${s.command}\``,
    '',
    s.markdown.trim(),
    '',
  ]);
  const out = path.join(dir, wanted.length ? `results-${wanted.join('-')}.md` : 'results.md');
  writeFileSync(out, [...header, ...body].join('\n'));
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  return unreleased.length ? 1 : 0;
}

// Exits explicitly: what the benches started is released by now, and a handle a library left open
// (a timer, a socket) must not keep a finished or failed run from ending.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A BenchFailed's message holds the bench's own stack already.
    const why = err instanceof BenchFailed ? err.message : err instanceof Error ? err.stack : String(err);
    process.stderr.write(`${why ?? String(err)}\n`);
    process.exit(1);
  },
);
