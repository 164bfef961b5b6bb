/**
 * Build event lines reach a terminal (br dev, br worker): a failed task's error is the output of a
 * model-written test or command, so its escape sequences and any key-shaped text must not reach the
 * screen as they are (lib/build-events.ts).
 */
import { buildEventLine } from '../../lib/build-events';

const base = { buildId: 'b1', at: 0, dedupeKey: 'k' };

it('a failed task line carries no escape sequence or control character', () => {
  const error = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mtests fail\u001b[0m\u0008\u009b1A';
  const line = buildEventLine({ ...base, type: 'TASK_FAILED', taskId: 't\u001b[1mx', data: { error } });
  expect(line).toBe('Build b1: task tx failed: tests fail');
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
});

it('a failed task line masks a key-shaped secret', () => {
  const key = `sk-ant-api03-${Buffer.from('a test key for the screen line, not a real one: 7f3e9c1d5b').toString('base64url')}Qx9-Lm2Z`;
  const line = buildEventLine({
    ...base,
    type: 'TASK_FAILED',
    taskId: 't1',
    data: { error: `401 for ${key}` },
  });
  expect(line).toContain('401 for sk-a');
  expect(line).not.toContain(key.slice(10, 30));
});
