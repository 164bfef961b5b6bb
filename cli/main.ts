import path from 'node:path';
import type { Cli, Command, CommandClass } from 'clipanion';
import { packageVersion } from '../lib/paths';
import type { BrContext } from './base';
import { isGeneralHelp, modulesFor, readManifest } from './manifest';

export function colorsEnabled(
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stdout,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Every command (tests and the manifest generator); `br` itself loads only what argv needs. */
export function createCli(): Cli {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCli: create } = require('./registry') as typeof import('./registry');
  return create(colorsEnabled());
}

/** The commands argv needs: its command's module when the manifest knows it, else all of them. */
async function commandsFor(argv: string[]): Promise<CommandClass[] | undefined> {
  const manifest = readManifest();
  const modules = manifest ? modulesFor(argv, manifest) : null;
  if (!modules) return undefined;
  const { commandsIn } = await import('./registry');
  return modules.flatMap((m) => commandsIn(path.join(__dirname, 'commands', m)));
}

/**
 * Runs the CLI and returns the exit code (tests call this with captured streams). Parse errors are
 * reported here, on stderr like every other error; a group name (`br build`) lists its commands.
 */
export async function runCli(argv: string[], context: Partial<BrContext> = {}): Promise<number> {
  const colors = colorsEnabled(process.env, process.stdout);
  const manifest = isGeneralHelp(argv) ? readManifest() : null;
  if (manifest) {
    // The general help without loading clipanion or any command: the start-up cost of `br --help`.
    const help = colors ? manifest.help.colored : manifest.help.plain;
    (context.stdout ?? process.stdout).write(help.split('{{version}}').join(packageVersion()));
    return 0;
  }
  const { Cli } = await import('clipanion');
  const { createCli: create } = await import('./registry');
  const cli = create(colors, await commandsFor(argv));
  const ctx = { ...Cli.defaultContext, ...context };
  const json = argv.includes('--json');
  let command: Command;
  try {
    command = cli.process(argv, ctx);
  } catch (err) {
    const { EXIT, renderError } = await import('./error-report');
    const { closestCommands } = await import('./suggest');
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
