import type { Cli, Command, CommandClass } from 'clipanion';
import { packageVersion } from '../services/paths';
import type { BrContext } from './base';
import { handleOutputErrors } from './closed-output';
import { colorsEnabled } from './colors';
import { isGeneralHelp, modulesFor, readManifest } from './manifest';

/** Every command (tests and the manifest generator); `br` itself loads only what argv needs. */
export async function createCli(colors = false): Promise<Cli> {
  const { createCli: create, loadCommands } = await import('./registry');
  return create(
    colors,
    (await loadCommands()).map((f) => f.command),
  );
}

/** The commands argv needs: its command's module when the manifest knows it, else all of them. */
async function commandsFor(argv: string[]): Promise<CommandClass[]> {
  const manifest = readManifest();
  const modules = manifest ? modulesFor(argv, manifest) : null;
  const { loadCommands } = await import('./registry');
  return (await loadCommands(modules ?? undefined)).map((f) => f.command);
}

/**
 * Runs the CLI and returns the exit code (tests call this with captured streams). Parse errors are
 * reported here, on stderr like every other error; a group name (`br build`) lists its commands.
 */
export async function runCli(argv: string[], context: Partial<BrContext> = {}): Promise<number> {
  const env = context.env ?? process.env;
  const colors = colorsEnabled(env, (context.stdout ?? process.stdout) as { isTTY?: boolean });
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
  // The folder and environment a command works in travel on its context (tests pass their own).
  const ctx: BrContext = { ...Cli.defaultContext, cwd: process.cwd(), env, ...context };
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
  // A reader that closes early (`br config show | head -2`) ends the command quietly, not with a stack;
  // `br dev` and `br worker` carry on and stop what they started (cli/closed-output.ts).
  handleOutputErrors([process.stdout, process.stderr]);
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
