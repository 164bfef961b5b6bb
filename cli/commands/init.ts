import { Option } from 'clipanion';
import { BrCommand, Category } from '../base';

export class InitCommand extends BrCommand {
  static override paths = [['init']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Set up BuildRunner in this repository (config, features.json, .gitignore entries)',
    details: `
      Creates \`buildrunner.config.json\` and \`.buildrunner/features.json\` when missing and adds the
      local-state entries to \`.gitignore\`. Running it again changes nothing. \`--hooks\` also runs
      \`br hooks install\`.
    `,
    examples: [
      ['Set up the current repository', '$0 init'],
      ['…and install the git hooks', '$0 init --hooks'],
    ],
  });

  project = Option.String('--project', { description: 'Project name (default: the folder name)' });
  hooks = Option.Boolean('--hooks', false, { description: 'Also install the git hooks' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { initProject } = await import('../../services/init');
    const result = initProject({ cwd: process.cwd(), project: this.project });
    let hooks: number | null = null;
    if (this.hooks) hooks = await this.cli.run(['hooks', 'install'], this.context);
    if (this.json) {
      this.printJson(result);
      return hooks ?? 0;
    }
    for (const f of result.created) this.print(`created   ${f}`);
    for (const f of result.updated) this.print(`updated   ${f}`);
    for (const f of result.unchanged) this.print(`unchanged ${f}`);
    if (result.created.length + result.updated.length === 0) this.print('Already set up: nothing changed.');
    if (!this.hooks)
      this.print('Next: `br hooks install` adds secret scanning and feature checks to your git hooks.');
    return hooks ?? 0;
  }
}
