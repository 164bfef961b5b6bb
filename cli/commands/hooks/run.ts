import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class HooksRunCommand extends BrCommand {
  static override paths = [['hooks', 'run']];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Run one BuildRunner hook (called by the installed hook scripts)',
    details: `
      pre-push reads git's \`<local ref> <local sha> <remote ref> <remote sha>\` lines from stdin; it
      refuses a push while a required feature is incomplete (hooks.blockPushOnIncompleteRequired) and,
      with hooks.blockPushOnHighGaps, while \`br gaps analyze\` finds a high-severity gap.
      post-commit always exits 0.
    `,
    examples: [['Run the pre-commit checks by hand', '$0 hooks run pre-commit']],
  });

  hook = Option.String({ required: true });
  args = Option.Rest();

  private async readStdin(): Promise<string> {
    const stream = this.context.stdin;
    if ((stream as { isTTY?: boolean }).isTTY) return '';
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text;
  }

  async execute(): Promise<number> {
    const run = await import('../../../services/git-hooks/run');
    let outcome;
    if (this.hook === 'pre-commit') outcome = await run.runPreCommit(this.cwd);
    else if (this.hook === 'post-commit') outcome = run.runPostCommit(this.cwd);
    else if (this.hook === 'pre-push') {
      const { runPrePushChecks } = await import('../../../services/hooks');
      outcome = await runPrePushChecks(this.cwd, await this.readStdin(), this.env);
    } else {
      this.printError(`Unknown hook "${this.hook}": use pre-commit, post-commit or pre-push.`);
      return 1;
    }
    if (outcome.report) this.printError(outcome.report);
    return outcome.ok ? 0 : 1;
  }
}
