import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class HooksUninstallCommand extends BrCommand {
  static override paths = [['hooks', 'uninstall']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Remove BuildRunner hooks and restore the hooks that were there before',
    details: `
      Restores each original hook byte for byte, with its file mode, from the manifest written at
      install; a hook that was a symlink comes back as the same symlink. A hook someone replaced
      after install (husky reinstalling its own, say) is left alone, and the hook from before
      BuildRunner is kept beside it as <hook>.pre-buildrunner, never deleted. Safe to run twice.
    `,
    examples: [['Remove the hooks', '$0 hooks uninstall']],
  });

  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { uninstallHooks } = await import('../../../services/git-hooks/install');
    const result = uninstallHooks(this.cwd);
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    if (result.nothingInstalled) {
      this.print('No BuildRunner hooks are installed here.');
      return 0;
    }
    for (const h of result.hooks) {
      if (h.action !== 'left-foreign') {
        this.print(`  ${h.hook.padEnd(12)} ${h.action}`);
        continue;
      }
      this.print(`  ${h.hook.padEnd(12)} left alone (replaced by something else since install)`);
      if (h.savedOriginal)
        this.print(
          `  ${''.padEnd(12)} the ${h.hook} hook from before BuildRunner is kept at ${h.savedOriginal}; ` +
            'move it back over the current one if you want it.',
        );
    }
    return 0;
  }
}
