import { openStatusSession } from '../../services/build-status';
import type { BuildBackend } from '../../services/build-types';
import { createContext } from '../../services/context';
import type { ProgressSnapshot, TaskProgress } from '../../workflows/core/progress';

/**
 * A build whose tasks start and end faster than a forecast is made (many small tasks, a loaded
 * machine): `br build watch` still shows an ETA, from the newest forecast that finished.
 */

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** A build of 30 tasks where every reading finds a different one running. */
function churningBuild(): BuildBackend {
  let reads = 0;
  const progress = async (): Promise<ProgressSnapshot & { webUiUrl: string | null }> => {
    reads += 1;
    const tasks: TaskProgress[] = Array.from({ length: 30 }, (_, i) => ({
      id: `t${String(i).padStart(2, '0')}`,
      title: `Task ${i}`,
      state: i === reads % 30 ? 'RUNNING' : 'PENDING',
      attempts: 0,
      costUsd: '0',
      complexity: 'moderate',
      ...(i === reads % 30 ? { startedAt: T0 } : {}),
    }));
    const counts = { PENDING: 29, RUNNING: 1, SUCCEEDED: 0, FAILED: 0, BLOCKED: 0, CANCELLED: 0 };
    return {
      buildId: 'build-churn-1a2b3c4d',
      status: 'RUNNING',
      paused: false,
      tasks,
      counts,
      budget: {
        limitUsd: '50',
        spentUsd: '0',
        reservedUsd: '0',
        leftUsd: '50',
        fractionUsed: 0,
        breaker: 'closed',
      },
      startedAt: T0,
      now: T0 + reads * 1000,
      elapsedMs: reads * 1000,
      alerts: [],
      generation: 0,
      webUiUrl: null,
    };
  };
  const unused = () => Promise.reject(new Error('not used by a status session'));
  return {
    start: unused,
    progress,
    list: unused,
    signal: unused,
    raiseBudget: unused,
    logs: unused,
  };
}

describe('the forecast of a watched build whose tasks change on every reading', () => {
  it('appears once one is made, instead of each new one discarding the last unfinished', async () => {
    const ctx = {
      ...createContext({ cwd: process.cwd(), env: { ...process.env } }),
      builds: churningBuild(),
    };
    const session = await openStatusSession(ctx, 'build-churn-1a2b3c4d', { forecast: 'background' });
    let shown = 0;
    // A forecast takes well under a second on a quiet machine; a loaded one (load average 17) needed more than 8 s.
    const until = Date.now() + 45_000;
    try {
      while (Date.now() < until && shown === 0) {
        const report = await session.read();
        if (report.forecast) shown += 1;
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await session.close();
    }
    expect(shown).toBeGreaterThan(0);
  }, 60_000);
});
