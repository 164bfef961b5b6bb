import { Option } from 'clipanion';
import { BrCommand, Category } from '../base';

export class GenerateCommand extends BrCommand {
  static override paths = [['generate']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Write STATUS.md from .buildrunner/features.json',
    details: `
      The output depends only on features.json: the same input gives a byte-identical file, so it
      never shows up as a change unless a feature changed. With --check nothing is written and the
      command exits 1 when STATUS.md is out of date.
    `,
    examples: [
      ['Regenerate STATUS.md', '$0 generate'],
      ['Fail in CI when STATUS.md is stale', '$0 generate --check'],
    ],
  });

  check = Option.Boolean('--check', false, { description: 'Only report whether STATUS.md is up to date' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { existsSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { generateStatusFile, readFeatures } = await import('../../services/features');
    const { renderStatus, STATUS_FILE } = await import('../../lib/features/status-md');
    const { projectRoot } = await import('../../services/project-root');
    const root = projectRoot(this.cwd);
    if (this.check) {
      const file = path.join(root, STATUS_FILE);
      const upToDate = existsSync(file) && readFileSync(file, 'utf8') === renderStatus(readFeatures(root));
      if (this.json) this.printJson({ file, upToDate });
      else this.print(upToDate ? 'STATUS.md is up to date.' : 'STATUS.md is out of date: run `br generate`.');
      return upToDate ? 0 : 1;
    }
    const result = generateStatusFile(root);
    if (this.json) this.printJson(result);
    else this.print(result.changed ? `Wrote ${result.file}` : `${result.file} is already up to date.`);
    return 0;
  }
}
