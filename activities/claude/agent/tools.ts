import type Anthropic from '@anthropic-ai/sdk';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { FailureClass } from '../../../lib/failures';
import type { SandboxPolicy } from '../../../lib/sandbox/policy';
import { redactSecrets } from '../../../lib/secrets/redact';
import { SandboxUnavailableError } from '../../sandbox/detect';
import { runAllowedCommand, truncateMiddle } from './command';
import { displayPath, resolveInside, ToolError } from './paths';
import { searchInThread } from './search';

/** The agent's tools: file access confined to the worktree, allow-listed commands, and finish. */

const str = (description: string) => ({ type: 'string', description });

export const TOOL_DEFINITIONS: Anthropic.Tool[] = [
  {
    name: 'list_files',
    description:
      'List files under a folder of the repository (recursively by default; .git and node_modules are skipped).',
    input_schema: {
      type: 'object',
      properties: { path: str('Folder relative to the repository root; "." by default.') },
    },
  },
  {
    name: 'read_file',
    description: 'Read a text file of the repository.',
    input_schema: {
      type: 'object',
      properties: { path: str('File path relative to the repository root.') },
      required: ['path'],
    },
  },
  {
    name: 'write_file',
    description: 'Create or overwrite a file with the given content (parent folders are created).',
    input_schema: {
      type: 'object',
      properties: {
        path: str('File path relative to the repository root.'),
        content: str('The whole new content.'),
      },
      required: ['path', 'content'],
    },
  },
  {
    name: 'edit_file',
    description:
      'Replace one exact occurrence of old_string with new_string. old_string must occur exactly once in the file.',
    input_schema: {
      type: 'object',
      properties: {
        path: str('File path relative to the repository root.'),
        old_string: str('Exact text to replace.'),
        new_string: str('Replacement text.'),
      },
      required: ['path', 'old_string', 'new_string'],
    },
  },
  {
    name: 'search_files',
    description:
      'Search file contents with a JavaScript regular expression; returns matching lines as path:line: text.',
    input_schema: {
      type: 'object',
      properties: { pattern: str('Regular expression.'), path: str('Folder to search, "." by default.') },
      required: ['pattern'],
    },
  },
  {
    name: 'run_command',
    description:
      'Run one allow-listed command (tests, lint, build) in the repository root, without a shell. Returns exit code and output.',
    input_schema: {
      type: 'object',
      properties: { command: str('The command line, e.g. "npm test".') },
      required: ['command'],
    },
  },
  {
    name: 'finish',
    description: 'Call when the task is complete, with a short summary of what changed.',
    input_schema: { type: 'object', properties: { summary: str('What was done.') }, required: ['summary'] },
  },
];

export interface ToolContext {
  /** Real path of the worktree. */
  root: string;
  allowedCommands: readonly string[];
  /** How run_command runs: the sandbox, its limits and environment allow-list. */
  sandbox: SandboxPolicy;
  /** The worker's environment: allow-listed names are passed into the sandbox, nothing else. */
  workerEnv?: NodeJS.ProcessEnv;
  /** How long one search_files may take (SEARCH_TIMEOUT_MS unless set). */
  searchTimeoutMs?: number;
  /** Literal values masked in every tool result besides what the secret scanner recognises. */
  secretValues?: readonly string[];
}

export interface ToolOutcome {
  content: string;
  isError: boolean;
}

const SKIP = new Set(['.git', 'node_modules']);
const MAX_READ = 100_000;
const MAX_LIST = 500;
const MAX_MATCHES = 200;
const SEARCH_TIMEOUT_MS = 20_000;

async function walk(root: string, dir: string, out: string[], limit: number): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (out.length >= limit) return;
    if (SKIP.has(e.name)) continue;
    const full = path.join(dir, e.name);
    // Symlinks are listed but never followed, so listing cannot leave the worktree.
    if (e.isDirectory()) await walk(root, full, out, limit);
    else out.push(displayPath(root, full));
  }
}

function field(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string') throw new ToolError(`"${name}" must be a string.`);
  return value;
}

/**
 * read_file and edit_file read the whole file into the worker: a file as large as the sandbox lets a
 * command write (fileSizeMb, 1 GB by default; sparse, it costs no disk) took 1.1 GB of the worker's
 * memory and held its event loop for a second, per call. Source files are far smaller.
 */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

async function readText(file: string): Promise<string> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new ToolError('No such file.');
  if (!info.isFile()) throw new ToolError('Not a regular file.');
  if (info.size > MAX_FILE_BYTES)
    throw new ToolError(
      `The file is ${info.size} bytes; read_file and edit_file take files up to ${MAX_FILE_BYTES} bytes. ` +
        'Use search_files, or a command such as head, to look into it.',
    );
  return readFile(file, 'utf8');
}

/**
 * Runs one tool call. Every result is masked of secrets before it goes back to the model (and so into
 * the request log and any stored history): file contents, search hits and command output alike.
 */
export async function executeTool(name: string, rawInput: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  const outcome = await runTool(name, rawInput, ctx);
  return { ...outcome, content: redactSecrets(outcome.content, ctx.secretValues) };
}

async function runTool(name: string, rawInput: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  const input = (rawInput && typeof rawInput === 'object' ? rawInput : {}) as Record<string, unknown>;
  try {
    switch (name) {
      case 'list_files': {
        const dir = await resolveInside(ctx.root, input.path ?? '.');
        const files: string[] = [];
        await walk(ctx.root, dir, files, MAX_LIST + 1);
        const more = files.length > MAX_LIST ? `\n… more than ${MAX_LIST} files, list a subfolder` : '';
        return { content: files.slice(0, MAX_LIST).join('\n') + more || '(empty)', isError: false };
      }
      case 'read_file': {
        const text = await readText(await resolveInside(ctx.root, input.path));
        return { content: truncateMiddle(text, MAX_READ), isError: false };
      }
      case 'write_file': {
        const file = await resolveInside(ctx.root, input.path);
        const content = field(input, 'content');
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
        return {
          content: `Wrote ${displayPath(ctx.root, file)} (${content.length} characters).`,
          isError: false,
        };
      }
      case 'edit_file': {
        const file = await resolveInside(ctx.root, input.path);
        const oldString = field(input, 'old_string');
        const newString = field(input, 'new_string');
        if (!oldString)
          throw new ToolError('"old_string" must not be empty; use write_file to create a file.');
        const text = await readText(file);
        const count = text.split(oldString).length - 1;
        if (count !== 1)
          throw new ToolError(
            `old_string occurs ${count} times in ${displayPath(ctx.root, file)}; it must match exactly once.`,
          );
        await writeFile(
          file,
          text.replace(oldString, () => newString),
        );
        return { content: `Edited ${displayPath(ctx.root, file)}.`, isError: false };
      }
      case 'search_files': {
        // RE2's linear-time matching (a backtracking pattern such as (a+)+$ held the event loop 23 s on
        // four short lines), on a thread of its own with a deadline: RE2's time also grows with the
        // pattern's size (search.ts).
        const pattern = field(input, 'pattern');
        const dir = await resolveInside(ctx.root, input.path ?? '.');
        const files: string[] = [];
        await walk(ctx.root, dir, files, 5_000);
        const timeoutMs = ctx.searchTimeoutMs ?? SEARCH_TIMEOUT_MS;
        const found = await searchInThread({
          root: ctx.root,
          files,
          pattern,
          maxMatches: MAX_MATCHES,
          maxFileBytes: 1_000_000,
          timeoutMs,
        });
        if ('invalid' in found)
          throw new ToolError(
            `Invalid regular expression (RE2 syntax: no lookaround or backreferences): ${found.invalid}`,
          );
        const stopped = found.timedOut
          ? `\n… the search stopped after ${timeoutMs / 1000} s: use a simpler pattern or a subfolder`
          : '';
        return { content: (found.matches.join('\n') || 'No matches.') + stopped, isError: false };
      }
      case 'run_command': {
        const result = await runAllowedCommand({
          command: field(input, 'command'),
          allowed: ctx.allowedCommands,
          cwd: ctx.root,
          policy: ctx.sandbox,
          workerEnv: ctx.workerEnv,
        });
        return {
          content: `${result.verdict}\n${result.output}`,
          isError: result.exitCode !== 0 || result.timedOut,
        };
      }
      default:
        throw new ToolError(`Unknown tool "${name}".`);
    }
  } catch (err) {
    if (err instanceof ToolError) return { content: err.message, isError: true };
    // The model cannot fix a missing sandbox: the attempt stops with the user's next step.
    if (err instanceof SandboxUnavailableError)
      throw ApplicationFailure.create({
        type: FailureClass.INVALID_REQUEST,
        nonRetryable: true,
        message: err.message,
      });
    const code = (err as NodeJS.ErrnoException).code;
    if (code) return { content: `${name} failed: ${code}`, isError: true };
    throw err;
  }
}
