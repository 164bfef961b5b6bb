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

/**
 * Runs the CLI and returns the exit code (tests call this with captured streams). Parse errors are
 * reported here, on stderr like every other error; a group name (`br build`) lists its commands.
 */
export async function runCli(argv: string[], context: Partial<BrContext> = {}): Promise<number> {
  const cli = createCli();
  const ctx = { ...Cli.defaultContext, ...context };
  const json = argv.includes('--json');
  let command: Command;
  try {
    command = cli.process(argv, ctx);
  } catch (err) {
    const { EXIT, renderError } = await import('./error-report');
    const definitions = cli.definitions();
    const paths = definitions.map((d) => d.path.split(' ').slice(1));
    const words = argv.filter((a) => !a.startsWith('-'));
    const knownCommand = paths.some((p) => p.length > 0 && p.every((w, i) => words[i] === w));
    const group = paths.filter((p) => p.length > words.length && words.every((w, i) => p[i] === w));
    if (
      !knownCommand &&
      words.length > 0 &&
      group.length > 0 &&
      !argv.some((a) => a.startsWith('-') && a !== '--help' && a !== '-h')
    ) {
      ctx.stdout.write(groupListing(words, definitions));
      return EXIT.ok;
    }
    // A known command with bad options gets clipanion's own message and usage instead.
    if ((err as Error).name === 'UnknownSyntaxError' && !knownCommand && words.length > 0) {
      const suggestions = closestCommands(argv, paths);
      const typed = words.join(' ');
      const hint = suggestions.length
        ? `Did you mean:\n${suggestions.map((s) => `  br ${s}`).join('\n')}`
        : 'Run `br --help` to see every command.';
      const unknown = Object.assign(new Error(`Unknown command: br ${typed}`), { name: 'UsageError', hint });
      ctx.stderr.write(json ? renderError(unknown, true) : `${unknown.message}\n${hint}\n`);
      return EXIT.usage;
    }
    ctx.stderr.write(renderError(err, json));
    return EXIT.usage;
  }
  return cli.run(command, ctx);
}

function groupListing(words: string[], definitions: ReturnType<Cli['definitions']>): string {
  const prefix = `br ${words.join(' ')} `;
  const rows = definitions
    .filter((d) => d.path.startsWith(prefix))
    .map((d) => [d.path, (d.description ?? '').trim()] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));
  const width = Math.max(...rows.map((r) => r[0].length));
  return (
    `Commands of br ${words.join(' ')}:\n\n` +
    rows.map(([path, description]) => `  ${path.padEnd(width)}  ${description}`).join('\n') +
    `\n\nRun \`br ${words.join(' ')} <command> --help\` for the options of one.\n`
  );
}

export function main(argv: string[]): void {
  // A reader that closes early (`br config show | head -2`) ends the command quietly, not with a stack.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    async (err: unknown) => {
      const { renderError } = await import('./error-report');
      process.stderr.write(renderError(err, argv.includes('--json')));
      process.exitCode = 1;
    },
  );
}
