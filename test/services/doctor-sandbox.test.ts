import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDoctor } from '../../services/doctor';
import { checkSandbox } from '../../services/doctor-sandbox';
import { runBr } from '../helpers/cli';

// A PATH without bwrap: how a worker on a machine without bubblewrap sees the world. The detection
// looks bwrap up on the PATH of the environment it is given (cached per PATH).
const NO_BWRAP = { PATH: '/nonexistent' };

describe('without bubblewrap', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'br-no-sandbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to run a command and says how to fix it', async () => {
    const r = await runBr(['sandbox', 'run', '--', '/bin/echo', 'ran'], { cwd: dir, env: NO_BWRAP });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('Refusing to run model-written code without a sandbox');
    expect(r.stdout + r.stderr).toContain('apt-get install bubblewrap');
    expect(r.stdout).not.toContain('ran\n');
  });

  it('runs it when the user explicitly set agent.sandbox to "off", and br doctor says so', async () => {
    writeFileSync(path.join(dir, 'buildrunner.config.json'), JSON.stringify({ agent: { sandbox: 'off' } }));
    const r = await runBr(['sandbox', 'run', '--', '/bin/echo', 'ran'], { cwd: dir, env: NO_BWRAP });
    expect(r.stdout).toContain('ran');
    expect(r.stderr).toContain('[sandbox off');
    expect(r.code).toBe(0);
    const report = await runDoctor({
      cwd: dir,
      env: { ...process.env, ...NO_BWRAP },
      temporalTimeoutMs: 500,
    });
    expect(report.checks.find((c) => c.name === 'sandbox')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('off'),
    });
  }, 90_000);

  it('br doctor reports that there is no sandbox and that commands will be refused', () => {
    // The same check runDoctor adds (see the test above), without a database and Temporal probe.
    expect(checkSandbox('bwrap', false, { ...process.env, ...NO_BWRAP })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('not installed'),
      fix: expect.stringContaining('apt-get install bubblewrap'),
    });
  });
});
