import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class HooksInstallCommand extends BrCommand {
  static override paths = [['hooks', 'install']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Install the pre-commit, post-commit and pre-push hooks',
    details: `
      pre-commit scans staged changes for secrets, validates .buildrunner/features.json and runs
      \`hooks.qualityCommands\`; post-commit regenerates STATUS.md; pre-push blocks when a required
      feature is incomplete (\`hooks.blockPushOnIncompleteRequired\`).

      Hooks go where git runs them: \`core.hooksPath\` at any scope (husky, lefthook) or the git
      dir's hooks folder. An existing hook keeps running first, and its failure still stops the
      commit. \`br hooks uninstall\` puts back exactly what was there. Running install again only
      refreshes the shims.
    `,
    examples: [
      ['Install the hooks in the current repository', '$0 hooks install'],
      ['For scripts', '$0 hooks install --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { installHooks } = await import('../../../services/git-hooks/install');
    const result = installHooks(this.cwd);
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    this.print(
      `Hooks folder: ${result.hooksDir} (${result.scope === 'default' ? 'git dir' : `core.hooksPath, ${result.scope} config`})`,
    );
    for (const h of result.hooks) {
      this.print(`  ${h.hook.padEnd(12)} ${h.action}${h.chained ? ', runs the existing hook first' : ''}`);
      if (h.earlierOriginalSavedAs)
        this.print(
          `  ${''.padEnd(12)} it had replaced ours since the last install; the hook from before that is kept at ${h.earlierOriginalSavedAs}`,
        );
    }
    if (result.sharedWarning) this.printError(`Note: ${result.sharedWarning}`);
    return 0;
  }
}
