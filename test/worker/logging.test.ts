/**
 * The worker's log file (worker/logging.ts): levels below the threshold are dropped, text and JSON
 * lines, --verbose echoes, and the file rotates by size, keeping three older files. And the build
 * events that reach the screen (lib/build-events.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildEventLine } from '../../lib/build-events';
import { UserError } from '../../lib/errors';
import { FileLogger } from '../../worker/logging';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(tmpdir(), 'br-log-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes text lines at the level and up, echoing with --verbose', () => {
  const echoed: string[] = [];
  const log = new FileLogger({
    file: path.join(dir, 'logs/w.log'),
    level: 'INFO',
    format: 'text',
    echo: (l) => echoed.push(l),
  });
  log.debug('hidden');
  log.info('Worker state changed', { state: 'RUNNING', n: 1n });
  log.error('boom');
  const lines = readFileSync(log.file, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(
    /^\d{4}-\d\d-\d\dT\S+Z \[INFO\] Worker state changed \{"state":"RUNNING","n":"1"\}$/,
  );
  expect(lines[1]).toMatch(/\[ERROR\] boom$/);
  expect(echoed).toEqual(lines);
});

it('writes one JSON object per line', () => {
  const log = new FileLogger({ file: path.join(dir, 'w.log'), level: 'WARN', format: 'json' });
  log.info('hidden');
  log.warn('No workflows registered', { taskQueue: 'q' });
  const [line, ...rest] = readFileSync(log.file, 'utf8').trim().split('\n');
  expect(rest).toEqual([]);
  expect(JSON.parse(line!)).toEqual({
    time: expect.any(String),
    level: 'WARN',
    message: 'No workflows registered',
    taskQueue: 'q',
  });
});

it('rotates by size and keeps three older files', () => {
  const file = path.join(dir, 'w.log');
  const log = new FileLogger({ file, level: 'INFO', format: 'text', maxBytes: 200 });
  for (let i = 0; i < 40; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
  for (const f of [file, `${file}.1`, `${file}.2`, `${file}.3`])
    expect(readFileSync(f, 'utf8').length).toBeLessThanOrEqual(200);
  expect(existsSync(`${file}.4`)).toBe(false);
  expect(readFileSync(file, 'utf8')).toContain('line 39 ');
  expect(readFileSync(`${file}.1`, 'utf8')).not.toContain('line 39 ');
});

it('puts build starts and ends, failed tasks and the budget breaker on screen, and nothing else', () => {
  const base = { buildId: 'b1', at: 0, dedupeKey: 'k' };
  expect(buildEventLine({ ...base, type: 'BUILD_STARTED', data: { tasks: 5, budgetUsd: '5' } })).toBe(
    'Build b1 started: 5 task(s), budget $5',
  );
  expect(
    buildEventLine({ ...base, type: 'BUILD_COMPLETED', data: { outcome: 'PARTIAL', spentUsd: '1.20' } }),
  ).toBe('Build b1 finished: PARTIAL ($1.20 spent)');
  expect(
    buildEventLine({
      ...base,
      type: 'TASK_FAILED',
      taskId: 't2',
      model: 'haiku',
      data: { error: 'tests fail\nmore' },
    }),
  ).toBe('Build b1: task t2 failed on haiku: tests fail');
  expect(
    buildEventLine({ ...base, type: 'BUDGET_ALERT', data: { threshold: 1, spentUsd: '5', budgetUsd: '5' } }),
  ).toBe('Build b1: budget breaker tripped ($5 of $5); no new tasks start');
  expect(
    buildEventLine({
      ...base,
      type: 'BUDGET_ALERT',
      data: { threshold: 0.8, spentUsd: '4', budgetUsd: '5' },
    }),
  ).toBe('Build b1: 80 % of the budget spent ($4 of $5)');
  expect(buildEventLine({ ...base, type: 'MODEL_SELECTED', taskId: 't1' })).toBeNull();
});

it('a full disk drops lines and says so once, never throwing into the SDK (it would crash the worker)', () => {
  const file = path.join(dir, 'w.log');
  symlinkSync('/dev/full', file); // every write: ENOSPC
  const errors: string[] = [];
  const log = new FileLogger({ file, level: 'INFO', format: 'text', onError: (m) => errors.push(m) });
  expect(() => {
    log.info('one');
    log.warn('two');
  }).not.toThrow();
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(file);
  expect(errors[0]).toContain('ENOSPC');
});

it('masks key-shaped text and keeps a text line one inert line', () => {
  const key = `sk-ant-api03-${Buffer.from('a test key for the log file, not a real one at all: 9a8b7c6d5e').toString('base64url')}Zq1-Wp`;
  const echoed: string[] = [];
  const log = new FileLogger({
    file: path.join(dir, 'w.log'),
    level: 'INFO',
    format: 'text',
    echo: (l) => echoed.push(l),
  });
  log.warn(`Activity failed: 401 for ${key}\n\u001b]0;pwned\u0007\u001b[2Jforged line`, { key });
  const text = readFileSync(log.file, 'utf8');
  expect(text).not.toContain(key.slice(8, 40));
  expect(text.trim().split('\n')).toHaveLength(1);
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  expect(text.trim()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(echoed.join('')).not.toContain(key.slice(8, 40));
});

it('a file where the log folder should be: a message naming it and what to do, before anything starts', () => {
  writeFileSync(path.join(dir, 'logs'), 'not a folder');
  const open = () => new FileLogger({ file: path.join(dir, 'logs/w.log'), level: 'INFO', format: 'text' });
  expect(open).toThrow(UserError);
  expect(open).toThrow(
    /^Cannot open the log file .*logs\/w\.log: EEXIST.*Make .*logs a writable folder, or set logging\.dir/,
  );
});
