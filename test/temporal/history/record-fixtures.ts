/**
 * Re-records the committed replay fixtures: runs every scenario in history/scenarios.ts through the
 * history generator against today's workflows/ and writes test/temporal/fixtures/histories/<name>.json.
 * Only do this when no build can be in flight with the old code (or after adding patched() branches):
 * the fixtures are what test/temporal/recorded-replay.test.ts holds the workflows to.
 *
 *   npx tsx test/temporal/history/record-fixtures.ts
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleForReplay } from '../replay-setup';
import { generateHistory, type HistoryScript } from './generate';
import { RECORDED_SCENARIOS } from './scenarios';

export const RECORD_COMMAND = 'npx tsx test/temporal/history/record-fixtures.ts';
export const FIXTURE_DIR = path.join(__dirname, '../fixtures/histories');

/** A fixture: the history in the proto-JSON form Worker.runReplayHistory accepts, plus the workflow id it ran under. */
export interface HistoryFixture {
  workflowId: string;
  events: Array<Record<string, unknown>>;
}

/** Formatted as `npm run lint` (prettier --check .) expects, so a lint or `npm run format` never rewrites a fixture. */
export async function fixtureText(fixture: HistoryFixture, file: string): Promise<string> {
  const { format, resolveConfig } = await import('prettier');
  const options = (await resolveConfig(file)) ?? {};
  return format(JSON.stringify(fixture), { ...options, filepath: file });
}

export async function recordFixture(
  bundle: { code: string },
  script: HistoryScript,
): Promise<HistoryFixture> {
  const generated = await generateHistory(bundle, script);
  if (generated.status === 'open')
    throw new Error(`${script.workflowId} did not close after ${generated.workflowTasks} workflow tasks`);
  return { workflowId: script.workflowId, events: generated.history.events };
}

async function main(): Promise<void> {
  const bundle = await bundleForReplay();
  await mkdir(FIXTURE_DIR, { recursive: true });
  const names = Object.keys(RECORDED_SCENARIOS);
  // A scenario that was removed must not leave a fixture behind that nothing regenerates.
  for (const file of await readdir(FIXTURE_DIR))
    if (file.endsWith('.json') && !names.includes(file.slice(0, -'.json'.length)))
      await rm(path.join(FIXTURE_DIR, file));
  for (const name of names) {
    const fixture = await recordFixture(bundle, RECORDED_SCENARIOS[name]!);
    const file = path.join(FIXTURE_DIR, `${name}.json`);
    await writeFile(file, await fixtureText(fixture, file));
    process.stdout.write(`${path.relative(process.cwd(), file)}: ${fixture.events.length} events\n`);
  }
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
