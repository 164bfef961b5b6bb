import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What `br` knows about its commands without loading them: written next to the compiled CLI by
 * `npm run build` (cli/manifest-gen.ts), so `br --help` prints without loading clipanion or any
 * command, and `br <command>` loads only that command's module. Running from the sources (no
 * manifest) discovers every command on disk instead.
 */
export interface CliManifest {
  /** The general help as clipanion renders it, with `{{version}}` for the version. */
  help: { plain: string; colored: string };
  commands: { path: string[]; file: string; description: string }[];
}

export const MANIFEST_FILE = 'manifest.json';

export function readManifest(dir = __dirname): CliManifest | null {
  const file = path.join(dir, MANIFEST_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CliManifest) : null;
}

export function isGeneralHelp(argv: string[]): boolean {
  return argv.length === 0 || (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h'));
}

/** The modules that hold the command argv names (longest path first), or null when none does. */
export function modulesFor(argv: string[], manifest: CliManifest): string[] | null {
  const words = argv.filter((a) => !a.startsWith('-'));
  const matches = manifest.commands
    .filter((c) => c.path.length > 0 && c.path.every((w, i) => words[i] === w))
    .sort((a, b) => b.path.length - a.path.length);
  if (!matches.length) return null;
  return [...new Set(matches.filter((m) => m.path.length === matches[0]!.path.length).map((m) => m.file))];
}
