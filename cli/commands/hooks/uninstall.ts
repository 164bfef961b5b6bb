import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class HooksUninstallCommand extends BrCommand {
  static override paths = [['hooks', 'uninstall']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Remove BuildRunner hooks and restore the hooks that were there before',
    details: `
      Restores each original hook byte for byte, with its file mode, from the manifest written at
      install. A hook someone replaced after install is left alone. Safe to run twice.
    `,
    examples: [['Remove the hooks', '$0 hooks uninstall']],
  });

  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { uninstallHooks } = await import('../../../lib/hooks/install');
    const result = uninstallHooks(process.cwd());
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    if (result.nothingInstalled) {
      this.print('No BuildRunner hooks are installed here.');
      return 0;
    }
    for (const h of result.hooks)
      this.print(
        `  ${h.hook.padEnd(12)} ${h.action === 'left-foreign' ? 'left alone (replaced by something else since install)' : h.action}`,
      );
    return 0;
  }
}
