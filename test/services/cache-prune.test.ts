import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../lib/config';
import { pruneCacheDir } from '../../services/cache-prune';
import { CONFIG_LIMITS, cachedConfig } from '../../services/config-cache';
import { DISK_LIMITS, keptSamples } from '../../services/forecast-samples';

/**
 * The caches of one file per key (forecast samples, validated configurations) are bounded: each write
 * prunes its folder to a number of files and an age, oldest first.
 */

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);
const hex = (i: number) => i.toString(16).padStart(64, '0');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'br-cache-prune-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `count` cache files, the i-th written i minutes after `from` (so file 0 is the oldest). */
function written(count: number, from: number, name = (i: number) => `${hex(i)}.json`): string[] {
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, name(i));
    writeFileSync(file, '{}');
    const at = new Date(from + i * 60_000);
    utimesSync(file, at, at);
    return path.basename(file);
  });
}

describe('pruning a cache folder', () => {
  const kept = /^[0-9a-f]{64}\.json$/;

  it('keeps the newest files up to the bound, removing the oldest first', () => {
    const names = written(10, NOW - DAY);
    pruneCacheDir(dir, kept, { maxFiles: 4, maxAgeMs: 30 * DAY }, NOW);
    expect(readdirSync(dir).sort()).toEqual(names.slice(6).sort());
  });

  it('removes files older than the age, and a writer’s temporary file left behind as long', () => {
    const old = written(3, NOW - 40 * DAY);
    const fresh = written(2, NOW - DAY, (i) => `${hex(100 + i)}.json`);
    const [stale] = written(1, NOW - 40 * DAY, () => `${hex(7)}.json.1234.tmp`);
    const [writing] = written(1, NOW - 1000, () => `${hex(8)}.json.99.tmp`);
    pruneCacheDir(dir, kept, { maxFiles: 100, maxAgeMs: 30 * DAY }, NOW);
    const left = readdirSync(dir);
    expect(left.sort()).toEqual([...fresh, writing].sort());
    for (const gone of [...old, stale]) expect(left).not.toContain(gone);
  });

  it('leaves files of other names alone, and a folder that is not there', () => {
    written(3, NOW - 40 * DAY, (i) => `notes-${i}.txt`);
    pruneCacheDir(dir, kept, { maxFiles: 0, maxAgeMs: DAY }, NOW);
    expect(readdirSync(dir)).toHaveLength(3);
    expect(() => pruneCacheDir(path.join(dir, 'missing'), kept, CONFIG_LIMITS)).not.toThrow();
  });
});

describe('the caches prune when they write', () => {
  it('the config cache keeps at most CONFIG_LIMITS.maxFiles files, the new one among them', () => {
    const before = written(CONFIG_LIMITS.maxFiles + 5, Date.now() - DAY);
    const input = { parallel: 3 };
    cachedConfig(input, 'test', { stamp: 'prune', dir }, () => parseConfig(input, 'test'));
    const left = readdirSync(dir);
    expect(left).toHaveLength(CONFIG_LIMITS.maxFiles);
    expect(left.filter((n) => !before.includes(n))).toHaveLength(1);
    for (const oldest of before.slice(0, 6)) expect(left).not.toContain(oldest);
  });

  it('the forecast samples on disk keep at most DISK_LIMITS.maxFiles files, the new one among them', async () => {
    const before = written(DISK_LIMITS.maxFiles + 5, Date.now() - DAY);
    const samples = { makespansMs: [1, 2], costsUsd: [0.5, 0.75] };
    await keptSamples({ level: 'simple', run: Math.random() }, 2, { dir, stamp: 'prune' }, () =>
      Promise.resolve(samples),
    );
    const left = readdirSync(dir);
    expect(left).toHaveLength(DISK_LIMITS.maxFiles);
    expect(left.filter((n) => !before.includes(n))).toHaveLength(1);
    for (const oldest of before.slice(0, 6)) expect(left).not.toContain(oldest);
  });
});
