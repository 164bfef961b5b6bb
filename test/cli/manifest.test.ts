import path from 'node:path';
import { buildManifest } from '../../cli/manifest-gen';
import { modulesFor } from '../../cli/manifest';
import { commandsIn, createCli, discoverCommands } from '../../cli/registry';
import { packageVersion } from '../../lib/paths';

/**
 * The manifest the compiled CLI starts from (`npm run build` writes it): `br --help` prints its text
 * without loading any command, and `br <command>` loads only the module that holds the command.
 */
describe('the CLI manifest', () => {
  const manifest = buildManifest();
  const all = discoverCommands();

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
    expect(modulesFor(['build', 'pause', 'b-1'], manifest)).toEqual(['build/steer']);
    expect(modulesFor(['plan', 'x.md'], manifest)).toEqual(['plan']);
    expect(modulesFor(['build'], manifest)).toBeNull();
    expect(modulesFor(['biuld', 'strat'], manifest)).toBeNull();
  });

  it('gives a command loaded alone the same usage as in the full CLI', () => {
    const alone = createCli(false, commandsIn(path.join(__dirname, '../../cli/commands/build/start')));
    const full = createCli(false);
    const usageOf = (cli: ReturnType<typeof createCli>) =>
      cli.usage(cli.process(['build', 'start', 'x.md']), { detailed: true });
    expect(usageOf(alone)).toBe(usageOf(full));
  });
});
