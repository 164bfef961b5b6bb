import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class PluginsRunCommand extends BrCommand {
  static override paths = [['plugins', 'run']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: "Run a plugin's command",
    details: `
      Runs a command a loaded plugin brings (\`br plugins list\` shows them), with the arguments that
      follow; its exit code is this command's.
    `,
    examples: [['Run a command', '$0 plugins run my-plugin hello world']],
  });

  plugin = Option.String({ name: 'plugin' });
  command = Option.String({ name: 'command' });
  args = Option.Proxy();

  async execute(): Promise<number> {
    const { runPluginCommand } = await import('../../../services/plugins');
    const { stdout, stderr } = this.context;
    return runPluginCommand(await this.serviceContext(), this.plugin, this.command, this.args, {
      stdout,
      stderr,
    });
  }
}
