import { writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchModule, BenchSection } from './types';

/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or the named ones) and writes
 * bench/results.md with the machine, the command and the date. Benchmarks, not timed tests.
 */
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const sections: BenchSection[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = (require(path.join(__dirname, file)) as { default: BenchModule }).default;
    if (wanted.length && !wanted.includes(mod.name)) continue;
    const started = Date.now();
    process.stderr.write(`bench ${mod.name}…\n`);
    const section = await mod.run();
    process.stderr.write(`bench ${mod.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    sections.push(section);
  }
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
  const out = path.join(__dirname, wanted.length ? `results-${wanted.join('-')}.md` : 'results.md');
  writeFileSync(out, [...header, ...body].join('\n'));
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
