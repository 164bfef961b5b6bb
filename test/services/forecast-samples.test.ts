import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../../services/context';
import { forecastRemaining } from '../../services/forecast';
import { keptSamples, type LevelSamples } from '../../services/forecast-samples';
import type { TaskProgress } from '../../workflows/core/progress';

/**
 * The large forecast's one-task samples are kept (issue 31: a one-shot `br build status` of a 2,000-task
 * build does not simulate them again): the same settings give the same samples, from memory or from disk,
 * and a forecast made from kept samples equals one made fresh.
 */

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const LEVELS = ['simple', 'moderate', 'complex', 'critical'] as const;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'br-forecast-samples-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The module as another process loads it: its own kept samples in memory. */
function anotherProcess<T>(id: string): T {
  let m: T | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    m = require(id) as T;
  });
  return m!;
}

type Samples = typeof import('../../services/forecast-samples');

const samples = (k: number): LevelSamples => ({ makespansMs: [k, k + 1], costsUsd: [0.5, 0.75] });

describe('kept forecast samples', () => {
  it('are made once per key in a process, again for another key', async () => {
    const made: number[] = [];
    const make = (k: number) => () => (made.push(k), Promise.resolve(samples(k)));
    const key = { level: 'simple', run: Math.random() };
    expect(await keptSamples(key, 2, undefined, make(1))).toEqual(samples(1));
    expect(await keptSamples(key, 2, undefined, make(2))).toEqual(samples(1));
    expect(await keptSamples({ ...key, level: 'complex' }, 2, undefined, make(3))).toEqual(samples(3));
    expect(made).toEqual([1, 3]);
  });

  it('are read back from disk by another stamp-holder, and not under another stamp', async () => {
    const key = { level: 'moderate', run: Math.random() };
    await keptSamples(key, 2, { dir, stamp: 'a' }, () => Promise.resolve(samples(7)));
    const [file] = readdirSync(dir);
    // Another process: what is on disk answers (changed here to tell the two apart).
    writeFileSync(path.join(dir, file!), JSON.stringify(samples(9)), { mode: 0o600 });
    const fresh = jest.fn(() => Promise.resolve(samples(8)));
    const other = anotherProcess<Samples>('../../services/forecast-samples');
    expect(await other.keptSamples(key, 2, { dir, stamp: 'a' }, fresh)).toEqual(samples(9));
    expect(fresh).not.toHaveBeenCalled();
    expect(await keptSamples(key, 2, { dir, stamp: 'b' }, fresh)).toEqual(samples(8));
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('ignore a file of the wrong shape and make them again', async () => {
    const key = { level: 'critical', run: Math.random() };
    await keptSamples(key, 2, { dir, stamp: 'c' }, () => Promise.resolve(samples(1)));
    const [file] = readdirSync(dir);
    writeFileSync(path.join(dir, file!), JSON.stringify({ makespansMs: [1], costsUsd: ['x'] }), {
      mode: 0o600,
    });
    const other = anotherProcess<Samples>('../../services/forecast-samples');
    expect(await other.keptSamples(key, 2, { dir, stamp: 'c' }, () => Promise.resolve(samples(5)))).toEqual(
      samples(5),
    );
  });
});

describe('a sampled forecast from kept samples', () => {
  it('of a 2,000-task plan equals the one made fresh', async () => {
    const ctx = createContext({ cwd: process.cwd(), env: { ...process.env } });
    const r = ctx.config.routing;
    const shape = {
      parallel: 20,
      alertThresholds: [0.8],
      routing: {
        tiers: { simple: r.simple, moderate: r.moderate, complex: r.complex, critical: r.critical },
        maxAttemptsPerTask: r.maxAttemptsPerTask,
        catalog: ctx.config.models,
      },
    };
    const tasks: TaskProgress[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `t${i}`,
      title: `Task ${i}`,
      state: i < 20 ? 'RUNNING' : 'PENDING',
      attempts: 0,
      costUsd: '0',
      complexity: LEVELS[i % 4],
      dependsOn: i >= 20 ? [`t${i - 20}`] : [],
    }));
    const store = { dir, stamp: `s-${Math.random()}` };
    const fresh = await forecastRemaining(tasks, shape, '100000', T0, { samples: store });
    expect(readdirSync(dir)).toHaveLength(4); // one file per complexity level
    // Another process: the samples come from disk.
    const other = anotherProcess<typeof import('../../services/forecast')>('../../services/forecast');
    const kept = await other.forecastRemaining(tasks, shape, '100000', T0, { samples: store });
    expect(kept).toEqual(fresh);
    expect(fresh?.method).toBe('sampled');
    expect(fresh?.tasks).toBe(2000);
  }, 60_000);
});
