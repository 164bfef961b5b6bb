import { UserError } from '../errors';

export type ImportErrorCode =
  | 'IMPORT_BAD_JSON'
  | 'IMPORT_BAD_SHAPE'
  | 'IMPORT_DUPLICATE_ID'
  | 'IMPORT_UNKNOWN_STATUS'
  | 'IMPORT_UNKNOWN_PRIORITY'
  | 'IMPORT_DANGLING_DEPENDENCY'
  | 'IMPORT_CYCLE'
  | 'IMPORT_NO_TASKS'
  | 'IMPORT_TAG'
  | 'IMPORT_TOO_LARGE'
  | 'IMPORT_BAD_LEDGER'
  | 'IMPORT_NOT_A_FILE';

/** A task file that cannot be imported: nothing is written. `path` is the file, `id` the task when one is to blame. */
export class ImportError extends UserError {
  readonly path: string;
  readonly id: string | null;
  constructor(code: ImportErrorCode, message: string, where: { path: string; id?: string | null }) {
    super(message, { code, hint: 'Fix the source file and run the import again; nothing was written.' });
    this.path = where.path;
    this.id = where.id ?? null;
  }
}
