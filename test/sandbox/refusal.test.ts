import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BR = path.resolve(__dirname, '../../bin/br.js');

// A PATH without bwrap: how a worker on a machine without bubblewrap sees the world.
function br(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [BR, ...args], {
    cwd: dir,
    env: { PATH: '/nonexistent', BR_FROM_SOURCE: '1', HOME: dir },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('without bubblewrap', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'br-no-sandbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to run a command and says how to fix it', () => {
    const r = br(dir, 'sandbox', 'run', '--', '/bin/echo', 'ran');
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('Refusing to run model-written code without a sandbox');
    expect(r.stdout + r.stderr).toContain('apt-get install bubblewrap');
    expect(r.stdout).not.toContain('ran\n');
  });

  it('runs it when the user explicitly set agent.sandbox to "off", and br doctor says so', () => {
    writeFileSync(path.join(dir, 'buildrunner.config.json'), JSON.stringify({ agent: { sandbox: 'off' } }));
    const r = br(dir, 'sandbox', 'run', '--', '/bin/echo', 'ran');
    expect(r.stdout).toContain('ran');
    expect(r.stderr).toContain('[sandbox off');
    expect(r.status).toBe(0);
    const doctor = br(dir, 'doctor', '--json');
    const sandbox = (
      JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks.find((c) => c.name === 'sandbox');
    expect(sandbox).toMatchObject({ status: 'warn', detail: expect.stringContaining('off') });
  });

  it('br doctor reports that there is no sandbox and that commands will be refused', () => {
    const doctor = br(dir, 'doctor', '--json');
    const sandbox = (
      JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks.find((c) => c.name === 'sandbox');
    expect(sandbox).toMatchObject({ status: 'fail', detail: expect.stringContaining('not installed') });
  });
});
