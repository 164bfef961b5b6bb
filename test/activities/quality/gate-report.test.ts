import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { gateSettings } from '../../../lib/quality';
import { assertUntouched, errorText, longestStall, makeVictim, type Victim } from '../../fixtures/attack-kit';

// The gate runs `br quality gate` from these sources in the real sandbox: slow on a loaded machine.
jest.setTimeout(240_000);

let v: Victim;
beforeEach(() => {
  v = makeVictim();
});
afterEach(() => v.restore());

/** Frees the worker if it does block on a FIFO matching `pattern`, so the test fails on the stall instead of hanging. */
function unblocker(pattern: string) {
  return spawn(
    'sh',
    [
      '-c',
      `for i in $(seq 1 600); do for f in ${pattern}; do [ -p "$f" ] && sleep 4 && echo null > "$f" && exit 0; done; sleep 0.2; done`,
    ],
    { stdio: 'ignore' },
  );
}

describe('the quality gate', () => {
  const saved = process.env.BR_FROM_SOURCE;
  beforeAll(() => {
    process.env.BR_FROM_SOURCE = '1';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.BR_FROM_SOURCE;
    else process.env.BR_FROM_SOURCE = saved;
  });

  it('does not freeze the worker when model code loaded by the gate turns its report into a FIFO', async () => {
    // The repository's ESLint config is the model's code, loaded by the gate inside the sandbox: it
    // finds the report path in its own argv and swaps the report for a FIFO as the gate exits.
    v.repo.write(
      'eslint.config.js',
      `const fs = require('fs'); const cp = require('child_process');
const out = process.argv[process.argv.indexOf('--output') + 1];
process.on('exit', () => { try { fs.rmSync(out, { force: true }); cp.execFileSync('mkfifo', [out]); } catch {} });
module.exports = [{ files: ['**/*.js'], rules: {} }];
`,
    );
    const base = v.repo.commitAll('lint config');
    v.repo.write('src/total.js', 'module.exports = 1;\n');
    v.repo.commitAll('change');
    const gate = gateSettings(parseConfig({ quality: { gate: { measure: ['lintErrors'] } } }).quality, '')!;
    const acts = createGitActivities({ config: parseConfig({}) });
    const before = v.snapshot();
    const unblock = unblocker(path.join(tmpdir(), 'br-gate-*', 'gate.json'));
    const { result, stallMs } = await longestStall(() =>
      acts.checkQualityGate({ worktreePath: v.repo.dir, baseCommit: base, taskId: 't1', gate }),
    );
    unblock.kill();
    expect(stallMs).toBeLessThan(2000);
    expect(errorText(result)).toMatch(/quality gate/i);
    assertUntouched(v, before, errorText(result));
  });

  it('does not mask (and stall on, or overflow the stack with) a report of many megabytes the model wrote', async () => {
    // A report is a few KB of findings; this one is 15 MB of percent-encoding the masking decodes.
    v.repo.write(
      'eslint.config.js',
      `const fs = require('fs');
const out = process.argv[process.argv.indexOf('--output') + 1];
process.on('exit', () => {
  const failed = ['%41%42'.repeat(2_500_000)];
  fs.writeFileSync(out, JSON.stringify({ passed: false, base: 'x', files: 0, score: null, threshold: 0, failed, subScores: [], findings: [] }));
});
module.exports = [{ files: ['**/*.js'], rules: {} }];
`,
    );
    const base = v.repo.commitAll('lint config');
    v.repo.write('src/total.js', 'module.exports = 1;\n');
    v.repo.commitAll('change');
    const gate = gateSettings(parseConfig({ quality: { gate: { measure: ['lintErrors'] } } }).quality, '')!;
    const acts = createGitActivities({ config: parseConfig({}) });
    const before = v.snapshot();
    const { result, stallMs } = await longestStall(() =>
      acts.checkQualityGate({ worktreePath: v.repo.dir, baseCommit: base, taskId: 't1', gate }),
    );
    expect(errorText(result)).toMatch(/quality gate/i);
    expect(errorText(result)).not.toMatch(/call stack/);
    expect(stallMs).toBeLessThan(2000);
    assertUntouched(v, before, errorText(result));
  });
});
