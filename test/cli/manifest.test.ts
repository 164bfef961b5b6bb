import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'clipanion';
import { COMMAND_MODULES } from '../../cli/commands';
import { buildManifest } from '../../cli/manifest-gen';
import { modulesFor, type CliManifest } from '../../cli/manifest';
import { createCli, loadCommands, type FoundCommand } from '../../cli/registry';
import { packageVersion } from '../../activities/paths';

/**
 * The manifest the compiled CLI starts from (`npm run build` writes it): `br --help` prints its text
 * without loading any command, and `br <command>` loads only the module that holds the command.
 */
describe('the CLI manifest', () => {
  let manifest: CliManifest;
  let all: FoundCommand[];
  beforeAll(async () => {
    manifest = await buildManifest();
    all = await loadCommands();
  });

  it('holds the general help exactly as clipanion renders it, plain and coloured', () => {
    const classes = all.map((f) => f.command);
    const version = packageVersion();
    expect(manifest.help.plain.split('{{version}}').join(version)).toBe(createCli(false, classes).usage());
    expect(manifest.help.colored.split('{{version}}').join(version)).toBe(createCli(true, classes).usage());
  });

  it('maps every command path to the one module that defines it', () => {
    const paths = all.flatMap((f) => (f.command.paths ?? []).map((p) => p.join(' ')));
    expect(manifest.commands.map((c) => c.path.join(' ')).sort()).toEqual(paths.sort());
    expect(modulesFor(['build', 'start', 'SPEC.md', '--json'], manifest)).toEqual(['build/start']);
    expect(modulesFor(['build', 'pause', 'b-1'], manifest)).toEqual(['build/pause']);
    expect(modulesFor(['plan', 'x.md'], manifest)).toEqual(['plan']);
    expect(modulesFor(['build'], manifest)).toBeNull();
    expect(modulesFor(['biuld', 'strat'], manifest)).toBeNull();
  });

  it('gives a command loaded alone the same usage as in the full CLI', async () => {
    const alone = createCli(
      false,
      (await loadCommands(['build/start'])).map((f) => f.command),
    );
    const full = createCli(
      false,
      all.map((f) => f.command),
    );
    const usageOf = (cli: ReturnType<typeof createCli>) =>
      cli.usage(cli.process(['build', 'start', 'x.md']), { detailed: true });
    expect(usageOf(alone)).toBe(usageOf(full));
  });
});

describe('the list of commands (cli/commands/index.ts)', () => {
  /** Every concrete command class exported by a module on disk, by module name. */
  function onDisk(dir: string, base = dir): Map<string, string[]> {
    const found = new Map<string, string[]>();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        for (const [k, v] of onDisk(full, base)) found.set(k, v);
        continue;
      }
      if (!/\.ts$/.test(entry.name) || entry.name === 'index.ts') continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(full) as Record<string, unknown>;
      const classes = Object.entries(mod)
        .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Command && 'paths' in v)
        .map(([name]) => name);
      if (classes.length)
        found.set(path.relative(base, full).replace(/\.ts$/, '').split(path.sep).join('/'), classes);
    }
    return found;
  }

  it('names every command module on disk with every command it exports, and nothing else', async () => {
    const disk = onDisk(path.join(__dirname, '../../cli/commands'));
    expect(Object.keys(COMMAND_MODULES).sort()).toEqual([...disk.keys()].sort());
    for (const [file, names] of disk) {
      const listed = (await loadCommands([file])).map((f) => f.command.name);
      expect({ file, listed: listed.sort() }).toEqual({ file, listed: [...names].sort() });
    }
  });
});
