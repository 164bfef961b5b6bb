import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSpecFile } from '../../services/spec-file';

/** A spec path that is no regular file: a directory, a device with no end, a pipe. */

const ctx = { cwd: process.cwd(), config: { planner: { maxSpecBytes: 64 * 1024 } } } as Parameters<
  typeof readSpecFile
>[0];

const refusal = (fn: () => unknown): { code?: string; message: string } => {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('reading a spec that is not a regular file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-spec-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a directory as a user mistake, not with a raw EISDIR', () => {
    const e = refusal(() => readSpecFile(ctx, dir));
    expect(e.code).toBe('SPEC_MISSING');
    expect(e.message).toMatch(/is a directory/);
  });

  it('refuses /dev/zero as over the limit after reading one byte past it, instead of reading forever', () => {
    const e = refusal(() => readSpecFile(ctx, '/dev/zero'));
    expect(e.code).toBe('SPEC_TOO_LARGE');
    expect(e.message).toMatch(/\(65537 bytes\)/);
  });

  it('reads a spec from a named pipe, as `br plan <(cat SPEC.md)` gives it', async () => {
    const fifo = path.join(dir, 'spec.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '# Project\\n\\n## Feature 1: Login\\n' > "${fifo}"`]);
    const text = readSpecFile(ctx, fifo);
    await new Promise((resolve) => writer.on('close', resolve));
    expect(text).toBe('# Project\n\n## Feature 1: Login\n');
  });
});
