import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkNode, runDoctor } from '../../services/doctor';
import { startFakeTemporal, type FakeTemporal } from '../fixtures/temporal-grpc';
import { runBr } from '../helpers/cli';

const fakeKey = () => ['sk', 'ant', 'api03', randomBytes(30).toString('base64url')].join('-');
const byName = (report: Awaited<ReturnType<typeof runDoctor>>, name: string) =>
  report.checks.find((c) => c.name === name)!;

describe('br doctor', () => {
  let temporal: FakeTemporal;
  let repo: string;
  beforeAll(async () => {
    temporal = await startFakeTemporal();
    repo = mkdtempSync(path.join(os.tmpdir(), 'br-doctor-'));
  });
  afterAll(async () => {
    await temporal.close();
  });

  it('reports a working setup as OK', async () => {
    await runBr(['db', 'migrate'], { cwd: repo, env: { DATABASE_URL: undefined } });
    const report = await runDoctor({
      cwd: repo,
      env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, ANTHROPIC_API_KEY: fakeKey() },
    });
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(byName(report, 'temporal').detail).toContain(temporal.address);
    expect(temporal.calls).toContain('DescribeNamespace');
  });

  it('reports an unreachable database and an unreachable Temporal as failures with the fix', async () => {
    const report = await runDoctor({
      cwd: repo,
      env: {
        ...process.env,
        DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        ANTHROPIC_API_KEY: fakeKey(),
      },
      temporalTimeoutMs: 1000,
    });
    expect(report.ok).toBe(false);
    expect(byName(report, 'database')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/DATABASE_URL/),
    });
    expect(byName(report, 'temporal')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/br dev|TEMPORAL_ADDRESS/),
    });
  });

  it('reports pending migrations on a fresh repository as a warning, not a failure', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'br-doctor-fresh-'));
    const report = await runDoctor({
      cwd: fresh,
      env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, ANTHROPIC_API_KEY: fakeKey() },
    });
    expect(byName(report, 'database')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(
        /\d+ migration\(s\) pending; the next command that uses the database applies them/,
      ),
      fix: expect.stringMatching(/br db migrate/),
    });
    expect(report.ok).toBe(true);
  });

  it('reports a missing namespace with the command that creates it', async () => {
    const noNamespace = await startFakeTemporal({ failNamespace: true });
    try {
      const report = await runDoctor({
        cwd: repo,
        env: { ...process.env, TEMPORAL_ADDRESS: noNamespace.address },
      });
      expect(byName(report, 'temporal').fix).toMatch(/temporal operator namespace create default/);
    } finally {
      await noNamespace.close();
    }
  });

  it('exits 1 and shows the key masked, never whole', async () => {
    const key = fakeKey();
    const result = await runBr(['doctor', '--json'], {
      cwd: repo,
      env: { TEMPORAL_ADDRESS: '127.0.0.1:1', ANTHROPIC_API_KEY: key, DATABASE_URL: undefined },
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; detail: string }[] };
    expect(report.ok).toBe(false);
    expect(result.stdout + result.stderr).not.toContain(key);
    expect(report.checks.find((c) => c.name === 'anthropic key')!.detail).toContain(
      `sk-ant-…${key.slice(-4)}`,
    );
  });

  it('fails a Node older than the supported minimum and warns on Node 20', () => {
    expect(checkNode('v18.20.0').status).toBe('fail');
    expect(checkNode('v20.20.2').status).toBe('warn');
    expect(checkNode('v22.12.0').status).toBe('ok');
  });
});
