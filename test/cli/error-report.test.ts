import { ImportError } from '../../lib/import/errors';
import { renderError } from '../../cli/error-report';

/**
 * Error messages quote what the user's files hold (a Task Master tag, a task id, a spec heading). On a
 * terminal they must not act as escape sequences; the message's own line breaks stay.
 */
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);

describe('renderError', () => {
  it('drops escape sequences and control characters quoted from a task file, keeping line breaks', () => {
    const err = new ImportError(
      'IMPORT_TAG',
      `tasks.json has the tags master, x${ESC}]0;pwned${BEL}${ESC}[2J\rred\nsecond line: choose one with --tag.`,
      { path: 'tasks.json' },
    );
    const text = renderError(err, false);
    expect(text).not.toContain(ESC);
    expect(text).not.toContain(BEL);
    expect(text).not.toContain('\r');
    expect(text).toContain('IMPORT_TAG: tasks.json has the tags master, xred\nsecond line');
    expect(text).toContain('\nhint: Fix the source file');
  });
});
