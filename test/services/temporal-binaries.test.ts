import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locateTemporalBinary, toolsBinDir } from '../../services/temporal-binaries';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('where the Temporal binaries are looked for', () => {
  it("is this checkout's .tools/temporal/bin, whatever folder the module sits in", () => {
    expect(toolsBinDir()).toBe(path.join(repoRoot, '.tools', 'temporal', 'bin'));
  });

  it('takes the environment variable first, then PATH', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-temporal-bin-'));
    try {
      const onPath = path.join(dir, 'path');
      mkdirSync(onPath);
      const file = path.join(onPath, 'temporal-test-server');
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
      const viaEnv = locateTemporalBinary('test-server', { BR_TEMPORAL_TEST_SERVER: file, PATH: '' });
      expect(viaEnv).toEqual({ path: file, source: 'env' });
      expect(
        locateTemporalBinary('test-server', { BR_TEMPORAL_TEST_SERVER: path.join(dir, 'missing') }),
      ).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
