import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Builtins, Cli, Command, type CommandClass } from 'clipanion';
import { packageVersion } from '../lib/paths';
import type { BrContext } from './base';
import { closestCommands } from './suggest';

/** Every command class under cli/commands, found on disk so adding a command is adding a file. */
export function discoverCommands(dir = path.join(__dirname, 'commands')): CommandClass[] {
  const found: CommandClass[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      found.push(...discoverCommands(full));
      continue;
    }
    if (!/\.(ts|js)$/.test(entry) || /\.d\.ts$|\.test\./.test(entry)) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(full) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (typeof value === 'function' && value.prototype instanceof Command && 'paths' in value) {
        found.push(value as CommandClass);
      }
    }
  }
  return found;
}

export function colorsEnabled(
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stdout,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function createCli(): Cli {
  const cli = new Cli({
    binaryLabel: 'BuildRunner',
    binaryName: 'br',
    binaryVersion: packageVersion(),
    enableColors: colorsEnabled(),
  });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const command of discoverCommands()) cli.register(command);
  return cli;
}

/** Runs the CLI and returns the exit code (tests call this with captured streams). */
export async function runCli(argv: string[], context: Partial<BrContext> = {}): Promise<number> {
  const cli = createCli();
  const ctx = { ...Cli.defaultContext, ...context };
  if (argv.length > 0 && !argv[0]!.startsWith('-')) {
    try {
      cli.process(argv);
    } catch (err) {
      const paths = cli.definitions().map((d) => d.path.split(' ').slice(1));
      const words = argv.filter((a) => !a.startsWith('-'));
      const knownCommand = paths.some((p) => p.length > 0 && p.every((w, i) => words[i] === w));
      // A known command with bad options gets clipanion's own message and usage instead.
      if ((err as Error).name === 'UnknownSyntaxError' && !knownCommand) {
        const suggestions = closestCommands(argv, paths);
        const typed = argv.filter((a) => !a.startsWith('-')).join(' ');
        const hint = suggestions.length
          ? `Did you mean:\n${suggestions.map((s) => `  br ${s}`).join('\n')}\n`
          : 'Run `br --help` to see every command.\n';
        ctx.stderr.write(`Unknown command: br ${typed}\n${hint}`);
        return 1;
      }
    }
  }
  return cli.run(argv, ctx);
}

export function main(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
