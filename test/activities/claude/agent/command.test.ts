import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAllowedCommand } from '../../../../activities/claude/agent/command';
import { testPolicy } from '../../../fixtures/sandbox/policy';

// A killed orphan can stay a zombie until its new parent reaps it: on Linux, read its state.
const alive = (pid: number) => {
  try {
    if (process.platform === 'linux')
      return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the agent's run_command", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'br-review-cmd-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no background process of the command running after it exits', async () => {
    const script =
      "const c = require('child_process').spawn('sleep', ['30'], { stdio: 'ignore' }); c.unref(); console.log('PID=' + c.pid);";
    const result = await runAllowedCommand({
      command: `node -e "${script}"`,
      allowed: ['node -e'],
      cwd: dir,
      // The runner's own process-group kill, without the sandbox's pid namespace (which kills all anyway).
      policy: testPolicy({ mode: 'off' }),
    });
    expect(result.exitCode).toBe(0);
    const pid = Number(/PID=(\d+)/.exec(result.output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(false);
  });
});
