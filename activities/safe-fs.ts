import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Reading and writing files that the model could have replaced: in a worktree, on the build branch,
 * or in a scratch folder the sandbox could write. A symlink there could point anywhere on the
 * machine (the main checkout's .git/hooks, ~/.bashrc, ~/.ssh), and a FIFO would block the worker's
 * only thread on a synchronous read, so nothing here follows a symlink, opens anything but a regular
 * file, or reads more than it asked for.
 */
export class UnsafeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_WRONLY, O_CREAT, O_EXCL } = constants;

/** Each folder from `root` (exclusive) down to `file`'s parent must be a real folder, not a symlink. */
export function assertNoSymlinkBelow(root: string, file: string): void {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel))
    throw new UnsafeFileError(`${file} is not inside ${root}`);
  let at = root;
  for (const part of path
    .dirname(rel)
    .split(path.sep)
    .filter((p) => p && p !== '.')) {
    at = path.join(at, part);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return; // missing from here down: nothing to follow
    }
    if (!st.isDirectory())
      throw new UnsafeFileError(
        `${path.relative(root, at)} is a symbolic link or not a folder; refusing to follow it`,
      );
  }
}

/** The file's text, or null when it does not exist. A symlink, FIFO, device or folder is refused. */
export function readRegularFile(file: string, maxBytes: number, root?: string): string | null {
  if (root) assertNoSymlinkBelow(root, file);
  let fd: number;
  try {
    fd = openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP')
      throw new UnsafeFileError(`${path.basename(file)} is a symbolic link; refusing to follow it`);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafeFileError(`${path.basename(file)} is not a regular file`);
    if (st.size > maxBytes)
      throw new UnsafeFileError(`${path.basename(file)} is larger than ${maxBytes} bytes (${st.size})`);
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0;) n += r;
    if (n > maxBytes) throw new UnsafeFileError(`${path.basename(file)} is larger than ${maxBytes} bytes`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `file` (below `root`) by creating a new file next to it and renaming it over the old one, so
 * a symlink or FIFO there is replaced, never followed or opened; folders on the way must be real
 * folders. Missing folders are created.
 */
export function writeRegularFile(root: string, file: string, data: string): void {
  assertNoSymlinkBelow(root, file);
  mkdirSync(path.dirname(file), { recursive: true });
  assertNoSymlinkBelow(root, file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  try {
    const buf = Buffer.from(data);
    for (let n = 0; n < buf.length;) n += writeSync(fd, buf, n, buf.length - n);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
