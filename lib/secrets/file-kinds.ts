/** Which files the secret scan reads: the ignore file's place, and binaries (skipped). */
export const IGNORE_FILE = '.buildrunner/secretignore';

/** Git's own heuristic: a NUL byte in the first 8000 bytes means binary. */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}
