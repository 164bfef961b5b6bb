import { Option } from 'clipanion';
import { BrCommand } from '../../base';

type Action = 'pause' | 'resume' | 'cancel';

/** Shared body of `br build pause`, `resume` and `cancel`: send the signal, print the state it left. */
export abstract class BuildSignalCommand extends BrCommand {
  protected abstract readonly action: Action;
  id = Option.String({ name: 'build-id' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  protected async send(reason?: string): Promise<number> {
    const { buildBackend } = await import('../../../services/build-backend');
    const ctx = await this.serviceContext();
    const result = await buildBackend(ctx).signal(ctx, this.id, this.action, reason);
    if (this.json) this.printJson(result);
    else {
      const done = { pause: 'Paused', resume: 'Resumed', cancel: 'Cancelling' }[this.action];
      this.print(
        `${done} ${this.id}.${this.action === 'pause' ? ' Running tasks finish; no new task starts.' : ''}`,
      );
      if (result.state)
        this.print(
          `  Now: ${result.state.status.toLowerCase()}${result.state.paused ? ', paused' : ''}, ` +
            `${result.state.running} task(s) running, $${result.state.budget.spentUsd} of $${result.state.budget.limitUsd} spent`,
        );
      if (result.webUiUrl) this.print(`  Web UI: ${result.webUiUrl}`);
    }
    return 0;
  }
}
