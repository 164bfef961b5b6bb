import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { MAX_RESPONSE_BYTES } from '../../mcp/respond';
import { preloadServices } from '../../mcp/server';
import { runBr } from '../helpers/cli';
import { createSimBuildBackend } from '../helpers/sim-builds';
import { call, connectInMemory, data, exampleRepo, type Timed } from '../fixtures/mcp/support';

const CALL_BUDGET_MS = 2000;

describe('br mcp serve, in memory (builds on the simulation runtime)', () => {
  let repo: string;
  let client: Client;
  const timings: { name: string; ms: number; bytes: number }[] = [];
  const timed = async (name: string, args: Record<string, unknown> = {}): Promise<Timed> => {
    const t = await call(client, name, args);
    timings.push({ name, ms: t.ms, bytes: t.bytes });
    return t;
  };
  const br = (...argv: string[]) => runBr(argv, { cwd: repo, env: { DATABASE_URL: undefined } });

  beforeAll(() => preloadServices(), 60_000);
  beforeEach(async () => {
    repo = exampleRepo();
    client = await connectInMemory(repo, { builds: createSimBuildBackend() });
  });
  afterEach(async () => {
    await client.close();
    for (const t of timings.splice(0)) {
      if (process.env.BR_MCP_TIMINGS) console.log(`${t.name} ${t.ms.toFixed(0)} ms ${t.bytes} bytes`);
      expect({ name: t.name, withinTime: t.ms < CALL_BUDGET_MS }).toEqual({ name: t.name, withinTime: true });
      expect({ name: t.name, withinSize: t.bytes <= MAX_RESPONSE_BYTES }).toEqual({
        name: t.name,
        withinSize: true,
      });
    }
  });

  it('lists at most six tools in at most 6,100 bytes, each with schemas and annotations', async () => {
    const listed = await client.listTools();
    const bytes = Buffer.byteLength(JSON.stringify(listed));
    // 6,000 until approve/reject took a request id (issue 28): a retried answer must change nothing.
    expect(bytes).toBeLessThanOrEqual(6100);
    expect(listed.tools.map((t) => t.name).sort()).toEqual([
      'br_build_control',
      'br_build_start',
      'br_build_status',
      'br_costs',
      'br_feature',
      'br_plan',
    ]);
    const hints = Object.fromEntries(
      listed.tools.map((t) => {
        expect(t.outputSchema).toBeDefined();
        expect(t.inputSchema.type).toBe('object');
        return [t.name, t.annotations];
      }),
    );
    expect(hints).toMatchObject({
      br_plan: { readOnlyHint: true },
      br_build_status: { readOnlyHint: true },
      br_costs: { readOnlyHint: true },
      br_build_start: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
      br_build_control: { readOnlyHint: false, destructiveHint: true },
      br_feature: { readOnlyHint: false, destructiveHint: true },
    });
    expect(client.getInstructions()).toMatch(
      /br_build_start returns a build id at once.*poll br_build_status/s,
    );
  });

  it('plans a spec with the same data as `br plan --json`', async () => {
    const mcp = await timed('br_plan', { spec: 'PROJECT_SPEC.md' });
    const cli = await br('plan', 'PROJECT_SPEC.md', '--heuristic-plan', '--json');
    expect(cli.code).toBe(0);
    expect(data(mcp)).toEqual(JSON.parse(cli.stdout));
    expect(mcp.result.structuredContent).toMatchObject({ page: { offset: 0, nextOffset: null } });
    expect(JSON.parse((mcp.result.content[0] as { text: string }).text)).toEqual(
      mcp.result.structuredContent,
    );
  });

  it('returns the same build id for a duplicate start, and for a repeated client key after the spec changed', async () => {
    const first = data(
      await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: 5, clientKey: 'k1' }),
    );
    expect(first).toMatchObject({
      attached: false,
      budgetUsd: '5',
      buildId: expect.stringMatching(/^build-todo-api-/),
    });
    const again = data(await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: 5 }));
    expect(again).toMatchObject({ attached: true, buildId: first.buildId });

    writeFileSync(
      path.join(repo, 'PROJECT_SPEC.md'),
      `${readFileSync(path.join(repo, 'PROJECT_SPEC.md'), 'utf8')}\n- [ ] one more\n`,
    );
    const retried = data(
      await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: 5, clientKey: 'k1' }),
    );
    expect(retried).toMatchObject({ attached: true, buildId: first.buildId });
    const edited = data(await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: 5 }));
    expect(edited.buildId).not.toBe(first.buildId);
  });

  it('starts, reports and steers a build with the same data as the CLI --json', async () => {
    // Two identical simulations, one per front end: each progress call advances its virtual clock.
    const cliBuilds = createSimBuildBackend();
    const viaCli = (...argv: string[]) =>
      runBr(argv, { cwd: repo, services: { builds: cliBuilds }, env: { DATABASE_URL: undefined } });
    const started = await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: 5, parallel: 2 });
    const cliStart = await viaCli(
      'build',
      'start',
      'PROJECT_SPEC.md',
      '--budget',
      '5',
      '--parallel',
      '2',
      '--json',
    );
    expect(data(started)).toEqual(JSON.parse(cliStart.stdout));
    const id = String(data(started).buildId);
    expect(
      started.result.content.filter((c) => c.type === 'resource_link').map((c) => (c as { uri: string }).uri),
    ).toEqual([
      `br://builds/${id}/logs/1`,
      'br://status',
      `br://builds/${id}/diff/1`,
      `br://builds/${id}/gaps`,
    ]);

    const detailed = await timed('br_build_status', { buildId: id, detail: 'detailed' });
    const cliStatus = await viaCli('build', 'status', id, '--json');
    expect(data(detailed)).toEqual(JSON.parse(cliStatus.stdout));

    const concise = data(await timed('br_build_status', { buildId: id }));
    expect(concise).toMatchObject({ buildId: id, status: 'RUNNING', paused: false });
    expect(concise).not.toHaveProperty('tasks');
    expect(
      (concise.active as { state: string }[]).every((t) => ['RUNNING', 'FAILED'].includes(t.state)),
    ).toBe(true);
    await viaCli('build', 'status', id, '--json');

    for (const [action, argv] of [
      ['pause', ['build', 'pause', id, '--json']],
      ['resume', ['build', 'resume', id, '--json']],
    ] as const) {
      const mcp = await timed('br_build_control', { buildId: id, action });
      expect(data(mcp)).toEqual(JSON.parse((await viaCli(...argv)).stdout));
    }
    const raised = await timed('br_build_control', { buildId: id, action: 'raise_budget', usd: '2.50' });
    expect(data(raised)).toEqual(
      JSON.parse((await viaCli('build', 'budget', id, '--raise', '2.50', '--json')).stdout),
    );
    const cancelled = await timed('br_build_control', { buildId: id, action: 'cancel', reason: 'done' });
    expect(data(cancelled)).toEqual(
      JSON.parse((await viaCli('build', 'cancel', id, '--reason', 'done', '--json')).stdout),
    );

    const afterCancel = data(await timed('br_build_status', { buildId: id, detail: 'detailed' }));
    expect(afterCancel).toEqual(JSON.parse((await viaCli('build', 'status', id, '--json')).stdout));
    expect(afterCancel.status).toBe('CANCELLED');

    const log = await client.readResource({ uri: `br://builds/${id}/logs/1` });
    const cliLog = JSON.parse((await viaCli('build', 'logs', id, '--json')).stdout) as { type: string }[];
    const logLines = (log.contents[0] as { text: string }).text.split('\n');
    expect(logLines).toHaveLength(cliLog.length);
    expect(logLines.map((l) => l.split('  ')[1])).toEqual(cliLog.map((l) => l.type));

    const listed = data(await timed('br_build_status', {}));
    expect(listed.builds).toEqual(JSON.parse((await viaCli('build', 'list', '--json')).stdout));
  });

  it('answers a mistake with an error that says what to do, not a crash', async () => {
    const missing = await timed('br_plan', { spec: 'NOPE.md' });
    expect(missing.result.isError).toBe(true);
    expect(JSON.stringify(missing.result.content)).toContain('Spec not found: NOPE.md');
    const noUsd = await timed('br_build_control', { buildId: 'x', action: 'raise_budget' });
    expect(noUsd.result.isError).toBe(true);
    expect(JSON.stringify(noUsd.result.content)).toContain('raise_budget needs usd');
  });

  it('takes money the same way in both tools, and refuses 0 in both', async () => {
    const id = data(await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: '5.50' })).buildId;
    expect(
      data(await timed('br_build_control', { buildId: id, action: 'raise_budget', usd: 2 })),
    ).toMatchObject({
      raisedUsd: '2',
    });
    const zeroBudget = await timed('br_build_start', { spec: 'PROJECT_SPEC.md', budgetUsd: 0 });
    const zeroRaise = await timed('br_build_control', { buildId: id, action: 'raise_budget', usd: '0' });
    for (const refused of [zeroBudget, zeroRaise]) {
      expect(refused.result.isError).toBe(true);
      expect(JSON.stringify(refused.result.content)).toMatch(/must be a positive amount in USD such as/);
    }
  });

  it('keeps features the way `br feature` does', async () => {
    const added = await timed('br_feature', {
      action: 'add',
      id: 'login',
      title: 'User login',
      required: true,
    });
    expect(data(added).feature).toMatchObject({ id: 'login', status: 'planned', required: true });
    await br('feature', 'add', 'signup', 'Sign up');
    const listed = data(await timed('br_feature', { action: 'list' }));
    expect(listed.features).toEqual(JSON.parse((await br('feature', 'list', '--json')).stdout));
    const changed = data(
      await timed('br_feature', { action: 'set_status', ids: ['login'], status: 'complete' }),
    );
    expect(changed.features).toEqual([expect.objectContaining({ id: 'login', status: 'complete' })]);
    const status = await client.readResource({ uri: 'br://status' });
    expect((status.contents[0] as { text: string }).text).toContain('User login');
    const removed = data(await timed('br_feature', { action: 'remove', id: 'signup' }));
    expect(removed.feature).toMatchObject({ id: 'signup' });
    expect(
      JSON.parse((await br('feature', 'list', '--json')).stdout).map((f: { id: string }) => f.id),
    ).toEqual(['login']);
  });
});
