import { claudeCodeMissing } from '../../activities/claude/code/engine';
import { checkEngine } from '../../services/doctor-engine';
import { claudeCodeInstalled } from '../fixtures/engines';
import { tempDir } from '../fixtures/claude';

describe('br doctor’s agent engine line', () => {
  it('fails with the install command when claude-code is chosen but not installed', () => {
    const empty = tempDir('br-doctor-engine-');
    const saved = process.env.BR_CLAUDE_CODE_DIR;
    delete process.env.BR_CLAUDE_CODE_DIR;
    try {
      expect(checkEngine('claude-code', empty.dir)).toMatchObject({
        status: 'fail',
        fix: expect.stringContaining('bash scripts/install-claude-code.sh'),
      });
      expect(checkEngine('builtin', empty.dir)).toMatchObject({ status: 'ok', detail: 'builtin' });
    } finally {
      if (saved !== undefined) process.env.BR_CLAUDE_CODE_DIR = saved;
      empty.cleanup();
    }
  });

  (claudeCodeInstalled ? it : it.skip)('shows the installed Claude Agent SDK version', () => {
    expect(checkEngine('claude-code')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^claude-code \(Claude Agent SDK \d+\.\d+\.\d+, /),
    });
  });
});

describe('a worker without the claude-code engine', () => {
  it('fails the task as the user’s to fix, saying how to install it', () => {
    const failure = claudeCodeMissing();
    expect(failure).toMatchObject({ type: 'CONFIG_INVALID', nonRetryable: true });
    expect(failure.message).toMatch(/bash scripts\/install-claude-code\.sh[\s\S]*br doctor/);
  });
});
