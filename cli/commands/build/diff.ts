import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class BuildDiffCommand extends BrCommand {
  static override paths = [['build', 'diff']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Show what a build (base...build branch) or one of its tasks (its merge) changed',
    examples: [
      ["A build's whole change", '$0 build diff build-shop-3f9a2c1d'],
      ["One task's merged change, files only", '$0 build diff build-shop-3f9a2c1d --task checkout-2 --stat'],
    ],
  });

  id = Option.String({ name: 'build-id' });
  task = Option.String('--task', { description: "Show this task's merge instead of the whole build" });
  stat = Option.Boolean('--stat', false, { description: 'Only the files with lines added and removed' });
  json = Option.Boolean('--json', false, { description: 'Print the range, files and patch as JSON' });

  async execute(): Promise<number> {
    const { buildDiff } = await import('../../../services/build-diff');
    const ctx = await this.serviceContext();
    const diff = await buildDiff(ctx, this.id, {
      ...(this.task ? { taskId: this.task } : {}),
      stat: this.stat,
    });
    if (this.json) {
      this.printJson(diff);
      return 0;
    }
    if (this.stat || diff.patch === undefined) {
      this.print(`${diff.range}: ${diff.files.length} file(s)`);
      for (const f of diff.files)
        this.print(`  ${f.added === null ? 'binary' : `+${f.added} -${f.removed}`}  ${f.path}`);
      return 0;
    }
    this.print(diff.patch === '' ? `${diff.range}: no change.` : diff.patch.replace(/\n$/, ''));
    return 0;
  }
}
