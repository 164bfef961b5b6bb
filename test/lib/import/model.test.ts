import { ImportError } from '../../../lib/import/errors';
import { checkModel, type ImportModel, type SourceTask } from '../../../lib/import/model';

/** checkModel: ids that differ in the source but not in the plan are refused before anything is written. */
const task = (id: string, at: string): SourceTask => ({
  id,
  at,
  title: id,
  description: '',
  details: '',
  testStrategy: '',
  status: 'pending',
  dependencies: [],
  group: id,
  files: [],
  kept: {},
});

describe('checkModel', () => {
  it('refuses two source ids that become the same plan task id ("1/2" and "1-2"), naming both', () => {
    const model: ImportModel = {
      format: 'taskmaster',
      tag: 'master',
      tasks: [task('1/2', 'tasks[0]'), task('1-2', 'tasks[1]')],
      groups: [],
    };
    let err: unknown = null;
    try {
      checkModel(model, 'tasks.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('IMPORT_DUPLICATE_ID');
    expect((err as ImportError).message).toContain('"1/2" (tasks[0]) and "1-2" (tasks[1])');
    expect((err as ImportError).message).toContain('tm-1-2');
  });

  it('keeps "1" and "01" apart: they are different plan task ids', () => {
    const model: ImportModel = {
      format: 'taskmaster',
      tag: 'master',
      tasks: [task('1', 'tasks[0]'), task('01', 'tasks[1]')],
      groups: [],
    };
    expect(() => checkModel(model, 'tasks.json')).not.toThrow();
  });
});
