import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';

/** Saving and putting back a user's own hook exactly as it was: bytes, mode, or a symlink as a symlink. */

/** A hook that was there before us. `symlink` is the link's own target text, restored as a link. */
export interface SavedHook {
  base64: string;
  mode: number;
  sha256: string;
  symlink?: string;
}

/** Where a user's original hook is put when uninstall must not take the hook's own place. */
export const PRESERVED_SUFFIX = '.pre-buildrunner';

const sha256 = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

export function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

/** Reads a hook as it stands, without following a symlink for the record (a dangling link reads as empty). */
export function snapshot(file: string, stat: Stats): SavedHook {
  if (stat.isSymbolicLink()) {
    let content = Buffer.alloc(0);
    try {
      content = readFileSync(file);
    } catch {
      // Dangling link: git cannot run it either; it is still the user's and comes back as it was.
    }
    return {
      base64: content.toString('base64'),
      mode: 0o777,
      sha256: sha256(content),
      symlink: readlinkSync(file),
    };
  }
  const content = readFileSync(file);
  return { base64: content.toString('base64'), mode: stat.mode & 0o7777, sha256: sha256(content) };
}

/** Recreates a saved hook at `file` (which must not exist): a link as a link, a file byte for byte with its mode. */
export function materialize(file: string, saved: SavedHook): void {
  if (saved.symlink !== undefined) {
    symlinkSync(saved.symlink, file);
    return;
  }
  writeFileSync(file, Buffer.from(saved.base64, 'base64'));
  chmodSync(file, saved.mode);
}

/** Puts a saved original next to a hook we must not touch, never over an earlier preserved copy. */
export function preserveBeside(target: string, saved: SavedHook): string {
  let candidate = target + PRESERVED_SUFFIX;
  for (let n = 2; lstatOrNull(candidate); n++) candidate = `${target}${PRESERVED_SUFFIX}.${n}`;
  materialize(candidate, saved);
  return candidate;
}
