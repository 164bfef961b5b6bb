import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import ignore, { type Ignore } from 'ignore';
import { IGNORE_FILE, isBinary } from '../lib/secrets/file-kinds';
import { scanText } from '../lib/secrets/scan';
import type { Finding, ScanPathsOptions, ScanStats } from '../lib/secrets/types';

const run = promisify(execFile);

const DEFAULT_MAX_BYTES = 1024 * 1024;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

function emptyStats(): ScanStats {
  return { filesScanned: 0, bytesScanned: 0, filesSkipped: 0 };
}

/** `.buildrunner/secretignore` under `root` (gitignore syntax), or an empty matcher. */
export function loadIgnore(root: string): Ignore {
  const matcher = ignore();
  const file = path.join(root, IGNORE_FILE);
  if (existsSync(file)) matcher.add(readFileSync(file, 'utf8'));
  return matcher;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Scans files and folders (recursively; skips node_modules, .git, binaries, big files and ignored paths). */
export async function scanPaths(paths: string[], options: ScanPathsOptions = {}): Promise<Finding[]> {
  const root = path.resolve(options.cwd ?? process.cwd());
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const stats = options.stats ?? emptyStats();
  const ignored = loadIgnore(root);
  const findings: Finding[] = [];

  const isIgnored = (abs: string, dir: boolean): boolean => {
    const rel = toPosix(path.relative(root, abs));
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    return ignored.ignores(dir ? `${rel}/` : rel);
  };

  const visit = async (abs: string, explicit: boolean): Promise<void> => {
    const info = await stat(abs);
    if (info.isDirectory()) {
      if (!explicit && (SKIPPED_DIRS.has(path.basename(abs)) || isIgnored(abs, true))) return;
      const entries = await readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.isDirectory() || entry.isFile()) await visit(path.join(abs, entry.name), false);
      }
      return;
    }
    if (!info.isFile()) return;
    if (isIgnored(abs, false) || info.size > maxBytes) {
      stats.filesSkipped++;
      return;
    }
    const buf = await readFile(abs);
    if (isBinary(buf)) {
      stats.filesSkipped++;
      return;
    }
    stats.filesScanned++;
    stats.bytesScanned += buf.length;
    const rel = path.relative(root, abs);
    const shown = toPosix(rel.startsWith('..') ? abs : rel);
    findings.push(...scanText(shown, buf.toString('utf8')));
  };

  for (const p of paths.length ? paths : ['.']) await visit(path.resolve(root, p), true);
  return findings;
}

/** Reads the listed index entries (`:path`) in one `git cat-file --batch` process. */
function readStagedBlobs(top: string, files: string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: top, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file --batch failed (${code}): ${stderr.trim()}`));
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, Buffer>();
      let pos = 0;
      for (const file of files) {
        const eol = out.indexOf(10, pos);
        if (eol === -1) break;
        const header = out.subarray(pos, eol).toString();
        pos = eol + 1;
        const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
        if (size === undefined) continue; // missing, or a submodule commit
        blobs.set(file, out.subarray(pos, pos + Number(size)));
        pos += Number(size) + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(files.map((f) => `:${f}\n`).join(''));
  });
}

/**
 * Scans what is staged for the next commit (the index blobs), not the working tree: a secret
 * staged and then removed from the working file is still found, and the reverse is not.
 */
export async function scanStaged(
  repoDir: string,
  options: Omit<ScanPathsOptions, 'cwd'> = {},
): Promise<Finding[]> {
  const top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: repoDir })).stdout.trim();
  const listed = await run('git', ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'], {
    cwd: top,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ignored = loadIgnore(top);
  const stats = options.stats ?? emptyStats();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_BYTES;
  // A newline in a path would break cat-file's line protocol; such paths are vanishingly rare.
  const files = listed.stdout.split('\0').filter((f) => f && !f.includes('\n'));
  const wanted = files.filter((f) => {
    const skip = ignored.ignores(f) || f.split('/').some((part) => SKIPPED_DIRS.has(part));
    if (skip) stats.filesSkipped++;
    return !skip;
  });
  const blobs = wanted.length ? await readStagedBlobs(top, wanted) : new Map<string, Buffer>();
  const findings: Finding[] = [];
  for (const file of wanted) {
    const blob = blobs.get(file);
    if (!blob || blob.length > maxBytes || isBinary(blob)) {
      stats.filesSkipped++;
      continue;
    }
    stats.filesScanned++;
    stats.bytesScanned += blob.length;
    findings.push(...scanText(file, blob.toString('utf8')));
  }
  return findings;
}
