import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandClass } from 'clipanion';
import { loadCommands } from '../../cli/registry';
import { runBr } from '../helpers/cli';

/**
 * README, "Exit codes": a bad option value is a usage error, exit 2, with a message that names the
 * option and what it takes. The table below holds one bad value for every option of every command
 * that takes a value; the first test builds the list of such options from the commands themselves,
 * so a new option without a row fails it.
 *
 * A value is bad when it is wrong on its face (format, range, choice). A well-formed value naming
 * something that does not exist (a file, a folder, a git ref, a build) is a failure (exit 1), as a
 * missing spec is; those options, and free text, are rows with `any` and the reason.
 */
type Row = { bad: string; message: string | RegExp; args?: string[] } | { any: string };

const SPEC = ['SPEC.md'];
const number = (option: string, bad = 'abc') => ({
  bad,
  message: `Invalid value for ${option}: expected a number (got "${bad}")`,
});
const text = { any: 'free text' };
const file = { any: 'a path: a missing file or folder is a failure (exit 1)' };
const id = { any: 'an id: an unknown one is a failure (exit 1)' };
const ref = { any: 'a git ref: an unknown one is a failure (exit 1)' };
const since = {
  bad: 'garbage',
  message: 'Cannot read --since "garbage": use a span such as 7d, 24h, 2w or a date such as 2026-11-01.',
};
const budget = (bad: string) => ({
  bad,
  message: `Invalid value for --budget: must be a positive amount in USD such as 20 or 7.50, not "${bad}"`,
  args: SPEC,
});

const logLevel = {
  bad: 'loud',
  message:
    'Invalid value for --log-level: expected one of "TRACE", "DEBUG", "INFO", "WARN", or "ERROR" (got "loud")',
};
const logFormat = {
  bad: 'xml',
  message: 'Invalid value for --log-format: expected one of "text" or "json" (got "xml")',
};

const TABLE: Record<string, Row> = {
  'dev --log-level': logLevel,
  'dev --log-format': logFormat,
  'worker --log-level': logLevel,
  'worker --log-format': logFormat,
  'build budget --raise': {
    bad: '0',
    message: 'Invalid value for --raise: must be a positive amount in USD such as 5 or 12.50, not "0"',
    args: ['build-x'],
  },
  'build diff --task': id,
  'build list --status': {
    bad: 'bogus',
    message: 'Unknown status "bogus". Use one of: running, completed, failed, cancelled, terminated.',
  },
  'build list --project': text,
  'build list --limit': number('--limit'),
  'build logs --task': id,
  'build simulate --parallel': {
    bad: '0',
    message: '--parallel must be a whole number from 1 to 256.',
    args: SPEC,
  },
  'build simulate --budget': budget('abc'),
  'build simulate --runs': { bad: 'lots', message: '--runs expects a whole number, got "lots".', args: SPEC },
  'build simulate --seed': { bad: '-1', message: '--seed expects a whole number, got "-1".', args: SPEC },
  'build start --budget': budget('0'),
  'build start --parallel': { ...number('--parallel'), args: SPEC },
  'build start --base': ref,
  'build start --repo': { any: 'a URL or remote name: an unreachable one is a failure (exit 1)' },
  'build start --plan': file,
  'build start --engine': {
    bad: 'gpt',
    message: 'Invalid value for --engine: expected one of "builtin" or "claude-code" (got "gpt")',
    args: SPEC,
  },
  'build watch --interval': { ...number('--interval'), args: ['build-x'] },
  'build cancel --reason': text,
  'build continue --budget': {
    bad: '0',
    message: 'Invalid value for --budget: must be a positive amount in USD such as 5 or 12.50, not "0"',
    args: ['build-x'],
  },
  'build continue --only': { any: 'task ids: an unknown one is a failure (exit 1)' },
  'build continue --model': { any: 'a model id: one not in the price table is a failure (exit 1)' },
  'build approve --plan-hash': {
    bad: 'zz',
    message: '--plan-hash must be the 16 hex digits `br build status` shows, not "zz".',
    args: ['build-x'],
  },
  'build approve --gate': {
    bad: 'deploy',
    message: '--gate must be plan or delivery, not "deploy".',
    args: ['build-x'],
  },
  'build approve --request-id': {
    bad: '!!',
    message: '--request-id: the request id must be 1 to 128 letters, digits, ".", "_" or "-".',
    args: ['build-x'],
  },
  'build reject --reason': text,
  'build reject --plan-hash': {
    bad: 'zz',
    message: '--plan-hash must be the 16 hex digits `br build status` shows, not "zz".',
    args: ['build-x', '--reason', 'r'],
  },
  'build reject --gate': {
    bad: 'deploy',
    message: '--gate must be plan or delivery, not "deploy".',
    args: ['build-x', '--reason', 'r'],
  },
  'build reject --request-id': {
    bad: '!!',
    message: '--request-id: the request id must be 1 to 128 letters, digits, ".", "_" or "-".',
    args: ['build-x', '--reason', 'r'],
  },
  'costs --by': {
    bad: 'week',
    message: 'Invalid value for --by: expected one of "model", "task", "build", or "day" (got "week")',
  },
  'costs --since': since,
  'costs --build': id,
  'design generate --brand': file,
  'dashboard --host': { any: 'an address: one that cannot be bound is a failure (exit 1)' },
  'dashboard --port': number('--port'),
  'design generate --out': file,
  'dev --port': number('--port'),
  'dev --ui-port': {
    bad: '70000',
    message: 'Invalid value for --ui-port: expected to be in the [1; 65535] range (got 70000)',
  },
  'feature add --id': {
    bad: 'no spaces',
    message: /^Invalid value for --id: expected an id of letters/,
    args: ['T'],
  },
  'feature add --priority': {
    bad: 'urgent',
    message:
      'Invalid value for --priority: expected one of "critical", "high", "medium", or "low" (got "urgent")',
    args: ['T'],
  },
  'feature add --description': text,
  'feature add --task': id,
  'feature complete --status': {
    bad: 'done',
    message: 'Unknown status "done": use planned, in_progress or complete.',
    args: ['login'],
  },
  'gaps analyze --build': id,
  'gaps analyze --results': file,
  'gaps analyze --output': file,
  'init --project': text,
  'import speckit --out': file,
  'import taskmaster --out': file,
  'import taskmaster --tag': { any: 'a tag name: one the file does not hold is a failure (exit 1)' },
  'maintenance retention --days': {
    bad: '0',
    message: 'Invalid value for --days: expected to be at least 1 (got 0)',
  },
  'mcp install --client': {
    bad: 'vim',
    message: 'Invalid value for --client: expected one of "claude-code" or "cursor" (got "vim")',
  },
  'mcp install --scope': {
    bad: 'global',
    message: 'Invalid value for --scope: expected one of "project" or "user" (got "global")',
    args: ['--client', 'cursor'],
  },
  'mcp serve --port': number('--port'),
  'metrics --period': {
    bad: 'month',
    message: 'Invalid value for --period: expected one of "hour", "day", or "week" (got "month")',
  },
  'metrics --since': since,
  'metrics --model': { any: 'a filter: an unknown model matches nothing' },
  'plan --out': file,
  'quality check --threshold': {
    bad: '101',
    message: 'Invalid value for --threshold: expected to be in the [0; 100] range (got 101)',
  },
  'quality check --new-code': ref,
  'quality check --spec': file,
  'quality check --results': file,
  'quality gate --base': ref,
  'quality gate --settings': file,
  'quality gate --output': file,
  'sandbox run --dir': file,
  'schedules pause --note': text,
  'spec wizard --project': text,
  'spec wizard --description': text,
  'spec wizard --industry': {
    any: 'a design profile: checked with the other answers, exit 2 "Unknown --industry" (test/spec/wizard.test.ts)',
  },
  'spec wizard --use-case': { any: 'a design pattern: checked as --industry is' },
  'spec wizard --feature': text,
  'spec wizard --answers': file,
  'spec wizard --out': file,
  'telemetry calibration --build': id,
  'telemetry calibration --since': since,
  'telemetry events --build': id,
  'telemetry events --type': { any: 'a filter: an unknown type matches nothing' },
  'telemetry events --since': since,
  'telemetry events --limit': {
    bad: '1.5',
    message: 'Invalid value for --limit: expected to be an integer (got 1.5)',
  },
  'telemetry summary --build': id,
  'telemetry summary --type': { any: 'a filter: an unknown type matches nothing' },
  'telemetry summary --since': since,
  'worker --queues': {
    bad: 'gpu',
    message: 'Unknown queue kind(s) "gpu": use --queues build,claude, or one of them.',
  },
  'worker --models': { bad: 'gpt', message: /^Unknown model "gpt": use a model id or tier from the catalog/ },
  'worker --max-concurrent-activities': number('--max-concurrent-activities'),
  'worker --max-tasks': {
    bad: '0',
    message: 'Invalid value for --max-tasks: expected to be in the [1; 1000] range (got 0)',
  },
  'worker --max-claude-calls': number('--max-claude-calls'),
  'worker --drain-seconds': number('--drain-seconds', 'soon'),
  'worker --cache-dir': file,
  'worker --metrics-port': {
    bad: '70000',
    message: 'Invalid value for --metrics-port: expected to be in the [0; 65535] range (got 70000)',
  },
  'worker --metrics-host': { any: 'an address: one that cannot be bound is a failure (exit 1)' },
  // Every command's hidden --config: a missing file is a failure (test/foundation/cli.test.ts).
};

/** Each command path with the long names of its options that take a value (hidden ones included). */
function valueOptions(command: CommandClass): string[] {
  const names: string[] = [];
  const builder = {
    addOption: (o: { names: string[]; arity?: number }) => {
      if ((o.arity ?? 0) > 0) names.push(o.names.find((n) => n.startsWith('--')) ?? o.names[0]!);
    },
    addPositional: () => undefined,
    addRest: () => undefined,
    addProxy: () => undefined,
  };
  // clipanion keeps an option's spec on the instance field until the CLI parses into it.
  const instance = new (command as unknown as new () => Record<string, unknown>)();
  for (const [key, spec] of Object.entries(instance))
    if (
      spec &&
      typeof spec === 'object' &&
      typeof (spec as { definition?: unknown }).definition === 'function'
    )
      (spec as { definition: (b: typeof builder, key: string) => void }).definition(builder, key);
  return names.filter((n) => n !== '--config');
}

describe('a bad option value', () => {
  let dir: string;
  let options: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'br-option-values-'));
    writeFileSync(path.join(dir, 'SPEC.md'), '# Shop\n## Cart\n- [ ] add to cart\n');
    const commands = await loadCommands();
    options = commands.flatMap(({ command }) =>
      (command.paths ?? [])
        .slice(0, 1)
        .flatMap((p) => valueOptions(command).map((o) => `${p.join(' ')} ${o}`)),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a row for every option of every command that takes a value, and no row for anything else', () => {
    expect(options.length).toBeGreaterThan(50);
    expect([...new Set(options)].sort()).toEqual(Object.keys(TABLE).sort());
  });

  const checked = Object.entries(TABLE).filter(
    (e): e is [string, Exclude<Row, { any: string }>] => 'bad' in e[1],
  );
  it.each(checked)('br %s: exit 2 and the message', async (key, row) => {
    const [option] = key.split(' ').slice(-1);
    const words = key.split(' ').slice(0, -1);
    const argv = [...words, ...(row.args ?? []), `${option}=${row.bad}`];
    const r = await runBr(argv, {
      cwd: dir,
      // Nothing here may get as far as a server: the value is refused first.
      env: { DATABASE_URL: undefined, TEMPORAL_ADDRESS: '127.0.0.1:1', ANTHROPIC_API_KEY: undefined },
    });
    expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
    const message = r.stderr.split('\n')[0]!.replace(/^Error: /, '');
    if (typeof row.message === 'string') expect(message).toBe(row.message);
    else expect(message).toMatch(row.message);
  });
});
