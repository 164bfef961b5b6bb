import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBr } from '../../helpers/cli';

describe('br dev', () => {
  it('without a temporal binary, fails fast offline with a message naming docker compose and TEMPORAL_ADDRESS, starting nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-dev-'));
    const started = Date.now();
    const result = await runBr(['dev'], {
      cwd: dir,
      // A variable pointing at nothing hides .tools/temporal and PATH: the SDK download is tried.
      env: { TEMPORAL_ADDRESS: undefined, DATABASE_URL: undefined, BR_TEMPORAL_CLI: '/nonexistent/temporal' },
    });
    const elapsed = Date.now() - started;
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/Could not start a Temporal dev server/);
    expect(output).toMatch(/docker compose up -d/);
    expect(output).toMatch(/TEMPORAL_ADDRESS=/);
    expect(output).not.toMatch(/\n\s+at /);
    expect(elapsed).toBeLessThan(15_000);
    // Temporal is tried first, so no embedded database server was left behind.
    expect(spawnSync('ls', [path.join(dir, '.buildrunner')]).status).not.toBe(0);
  });
});
