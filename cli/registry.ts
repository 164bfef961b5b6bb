import { Builtins, Cli, type CommandClass } from 'clipanion';
import { packageVersion } from '../services/paths';
import { COMMAND_MODULES } from './commands';

export interface FoundCommand {
  command: CommandClass;
  /** Module path under cli/commands, without extension: "build/start". */
  file: string;
}

/** The commands of the named modules (cli/commands/index.ts), or of all of them. */
export async function loadCommands(files: string[] = Object.keys(COMMAND_MODULES)): Promise<FoundCommand[]> {
  const loaded = await Promise.all(
    files.map(async (file) => {
      const load = COMMAND_MODULES[file];
      if (!load) throw new Error(`No command module ${file} in cli/commands/index.ts`);
      return (await load()).map((command) => ({ command, file }));
    }),
  );
  return loaded.flat();
}

export function createCli(colors: boolean, commands: CommandClass[]): Cli {
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
