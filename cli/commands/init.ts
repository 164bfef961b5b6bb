import { Option } from 'clipanion';
import { BrCommand, Category, type BrContext } from '../base';

export class InitCommand extends BrCommand {
  static override paths = [['init']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Create a BuildRunner project (br init NAME) or set up the current repository (br init)',
    details: `
      With a NAME: creates the folder and its git repository (branch \`main\`), then everything below
      plus a starter \`PROJECT_SPEC.md\`. Without one: works in the current git repository.

      Creates \`buildrunner.config.json\` and \`.buildrunner/features.json\` when missing and adds the
      local-state entries to \`.gitignore\`. Existing files are never replaced without \`--force\`
      (which rewrites BuildRunner's own files, not \`.gitignore\`); running it again changes nothing.
      \`--hooks\` also runs \`br hooks install\`.
    `,
    examples: [
      ['Create a new project', '$0 init test-project'],
      ['Set up the current repository', '$0 init'],
      ['…and install the git hooks', '$0 init --hooks'],
    ],
  });

  name = Option.String({ required: false, name: 'name' });
  project = Option.String('--project', { description: 'Project name (default: the folder name)' });
  force = Option.Boolean('--force', false, { description: "Replace BuildRunner's existing files" });
  hooks = Option.Boolean('--hooks', false, { description: 'Also install the git hooks' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { initProject } = await import('../../services/init');
    const result = initProject({
      cwd: this.cwd,
      project: this.project,
      name: this.name,
      force: this.force,
    });
    let hooks: number | null = null;
    if (this.hooks) {
      // br hooks install works on the repository it runs in: the new project's.
      hooks = await this.cli.run(['hooks', 'install'], { ...this.context, cwd: result.root } as BrContext);
    }
    if (this.json) {
      this.printJson(result);
      return hooks ?? 0;
    }
    for (const f of result.created) this.print(`created   ${f}`);
    for (const f of result.updated) this.print(`updated   ${f}`);
    for (const f of result.unchanged) this.print(`unchanged ${f}`);
    if (result.created.length + result.updated.length === 0) this.print('Already set up: nothing changed.');
    if (this.name)
      this.print(
        `Next: cd ${this.name}, edit PROJECT_SPEC.md (or run \`br spec wizard --force\`), then \`br plan PROJECT_SPEC.md\`.`,
      );
    else if (!this.hooks)
      this.print('Next: `br hooks install` adds secret scanning and feature checks to your git hooks.');
    return hooks ?? 0;
  }
}
