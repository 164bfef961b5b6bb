import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { startBuildFromSpec } from '../../services/build-start';
import { createContext, type ServiceContext } from '../../services/context';
import { createSimBuildBackend } from '../helpers/sim-builds';
import { exampleRepo } from '../fixtures/mcp/support';

/**
 * The start rules on the simulation backend: a client key returns its build while it runs and its
 * outcome once it ended; an ended build is never started again without a rebuild.
 */
describe('the one start service', () => {
  let ctx: ServiceContext;
  let repo: string;
  beforeEach(() => {
    repo = exampleRepo();
    // One progress read runs the simulated build to its end.
    ctx = {
      ...createContext({
        cwd: repo,
        env: { ...process.env, ANTHROPIC_API_KEY: undefined, DATABASE_URL: '' },
      }),
      builds: createSimBuildBackend({ stepMs: 10 * 3600_000 }),
    };
  });
  const start = async (extra: { clientKey?: string; rebuild?: boolean } = {}) =>
    (await startBuildFromSpec(ctx, { specPath: 'PROJECT_SPEC.md', ...extra })).summary;

  it('answers a client key with its running build, then with its outcome, even after the spec changed', async () => {
    const first = await start({ clientKey: 'k' });
    expect(first).toMatchObject({ state: 'started', planner: 'heuristic', planSource: 'planned' });
    // The spec changes: the key still names the first build.
    appendFileSync(path.join(repo, 'PROJECT_SPEC.md'), '\n- [ ] one more\n');
    expect(await start({ clientKey: 'k' })).toMatchObject({ buildId: first.buildId, state: 'attached' });

    await ctx.builds!.progress(ctx, first.buildId);
    const ended = await start({ clientKey: 'k' });
    expect(ended).toMatchObject({ buildId: first.buildId, state: 'ended', outcome: 'SUCCEEDED' });
    expect(ended.next).toContain(`Already built on br/${first.buildId}`);
  });

  it('starts an ended build again only when a rebuild is asked for', async () => {
    const first = await start();
    await ctx.builds!.progress(ctx, first.buildId);
    const again = await start();
    expect(again).toMatchObject({ buildId: first.buildId, state: 'ended', outcome: 'SUCCEEDED' });
    expect(again.next).toContain('--rebuild');
    expect(await start({ rebuild: true })).toMatchObject({ buildId: first.buildId, state: 'started' });
  });
});
