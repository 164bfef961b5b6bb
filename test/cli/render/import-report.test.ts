import { renderImport } from '../../../cli/render/import-report';
import type { ImportReport } from '../../../services/importer';

/**
 * `br import` prints ids, the tag, field names and Spec Kit lines from the task file: on a terminal they
 * must show as text, never act as escape sequences (retitle the window, colour the screen) or forge lines.
 */
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const HOSTILE = `x${ESC}]0;pwned${BEL}${ESC}[31mred\nforged line`;

const report = (over: Partial<ImportReport>): ImportReport => ({
  format: 'taskmaster',
  source: 'tasks.json',
  tag: HOSTILE,
  applied: true,
  noop: false,
  planFile: '.buildrunner/imports/taskmaster-x.plan.json',
  ledgerFile: '.buildrunner/imports/taskmaster-x.ledger.json',
  planHash: '0123456789abcdef',
  planned: 1,
  notPlanned: [{ id: HOSTILE, status: 'done' }],
  tasks: { added: [HOSTILE], changed: [], removed: [], unchanged: 0 },
  features: { added: ['tm-x'], updated: [], removed: [], unchanged: 0 },
  droppedDependencies: [{ task: HOSTILE, on: HOSTILE, status: 'done' }],
  keptFields: { [HOSTILE]: 1 },
  ignored: [HOSTILE],
  ...over,
});

describe('renderImport', () => {
  it('prints ids, the tag, kept fields and ignored lines from the task file as inert text', () => {
    const text = renderImport(report({}));
    expect(text).not.toContain(ESC);
    expect(text).not.toContain(BEL);
    // One line per report line: the newline in the hostile text did not start a line of its own.
    expect(text.split('\n').some((l) => l.startsWith('forged line'))).toBe(false);
    expect(text).toContain('Imported tasks.json (taskmaster, tag x');
    expect(text).toContain('red forged line');
  });
});
