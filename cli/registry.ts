import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Builtins, Cli, Command, type CommandClass } from 'clipanion';
import { packageVersion } from '../lib/paths';

export interface FoundCommand {
  command: CommandClass;
  /** Module path under cli/commands, without extension: "build/start". */
  file: string;
}

/** Every command class under cli/commands, found on disk so adding a command is adding a file. */
export function discoverCommands(dir = path.join(__dirname, 'commands'), base = dir): FoundCommand[] {
  const found: FoundCommand[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      found.push(...discoverCommands(full, base));
      continue;
    }
    if (!/\.(ts|js)$/.test(entry) || /\.d\.ts$|\.test\./.test(entry)) continue;
    const file = path
      .relative(base, full)
      .replace(/\.(ts|js)$/, '')
      .split(path.sep)
      .join('/');
    found.push(...commandsIn(full).map((command) => ({ command, file })));
  }
  return found;
}

/** The command classes a module exports. */
export function commandsIn(modulePath: string): CommandClass[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as Record<string, unknown>;
  return Object.values(mod).filter(
    (value): value is CommandClass =>
      typeof value === 'function' && value.prototype instanceof Command && 'paths' in value,
  );
}

export function createCli(
  colors: boolean,
  commands: CommandClass[] = discoverCommands().map((f) => f.command),
): Cli {
  const cli = new Cli({
    binaryLabel: 'BuildRunner',
    binaryName: 'br',
    binaryVersion: packageVersion(),
    enableColors: colors,
  });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const command of commands) cli.register(command);
  return cli;
}
