import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class HooksStatusCommand extends BrCommand {
  static override paths = [['hooks', 'status']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Show where git runs hooks from and which BuildRunner hooks are installed',
    details: `
      Exits 1 when a hook is missing, outdated or replaced by another tool.
    `,
    examples: [
      ['Show hook status', '$0 hooks status'],
      ['For scripts', '$0 hooks status --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the status as JSON' });

  async execute(): Promise<number> {
    const { hooksStatus } = await import('../../../services/git-hooks/install');
    const status = hooksStatus(this.cwd);
    if (this.json) {
      this.printJson(status);
      return status.ok ? 0 : 1;
    }
    this.print(
      `Hooks folder: ${status.hooksDir} (${status.scope === 'default' ? 'git dir' : `core.hooksPath from ${status.origin ?? status.scope}`})`,
    );
    for (const h of status.hooks)
      this.print(
        `  ${h.hook.padEnd(12)} ${h.state}${h.version ? ` (v${h.version})` : ''}${h.chainedOriginal ? ', chains the previous hook' : ''}`,
      );
    if (!status.ok) this.print('Run `br hooks install` to install or refresh them.');
    return status.ok ? 0 : 1;
  }
}
