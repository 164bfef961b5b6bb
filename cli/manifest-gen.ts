// Writes the CLI manifest (cli/manifest.ts) for the compiled CLI: `node dist/cli/manifest-gen.js OUT`,
// and the stamps its caches are keyed by: the compiled lib/ (services/config-cache.ts) and the compiled
// forecast model (services/forecast-samples.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSchemaStamp } from '../services/config-cache';
import { writeForecastStamp } from '../services/forecast-samples';
import { packageVersion } from '../services/paths';
import type { CliManifest } from './manifest';
import { createCli, loadCommands } from './registry';

export async function buildManifest(): Promise<CliManifest> {
  const found = await loadCommands();
  const classes = found.map((f) => f.command);
  const version = packageVersion();
  const render = (colors: boolean) =>
    createCli(colors, classes).usage().split(`BuildRunner - ${version}`).join('BuildRunner - {{version}}');
  return {
    help: { plain: render(false), colored: render(true) },
    commands: found.flatMap(({ command, file }) =>
      (command.paths ?? []).map((p) => ({
        path: p,
        file,
        description: (command.usage?.description ?? '').trim(),
      })),
    ),
  };
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: manifest-gen OUT.json');
  void buildManifest().then((manifest) => writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`));
  // The compiled CLI caches validated configurations under this stamp of the compiled schema.
  writeSchemaStamp(path.join(__dirname, '..', 'lib'));
  // And keeps the large forecast's one-task samples under this stamp of the compiled model.
  writeForecastStamp(path.join(__dirname, '..'));
}
