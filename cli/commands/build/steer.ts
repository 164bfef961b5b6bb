import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

type Action = 'pause' | 'resume' | 'cancel';

abstract class BuildSignalCommand extends BrCommand {
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
      this.print(`  Web UI: ${result.webUiUrl}`);
    }
    return 0;
  }
}

export class BuildPauseCommand extends BuildSignalCommand {
  static override paths = [['build', 'pause']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Pause a build: running tasks finish, no new task starts until resume',
    examples: [['Pause a build', '$0 build pause build-shop-3f9a2c1d']],
  });
  protected readonly action = 'pause' as const;
  execute(): Promise<number> {
    return this.send();
  }
}

export class BuildResumeCommand extends BuildSignalCommand {
  static override paths = [['build', 'resume']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description: 'Resume a paused build (or one waiting on a tripped quota breaker)',
    examples: [['Resume a build', '$0 build resume build-shop-3f9a2c1d']],
  });
  protected readonly action = 'resume' as const;
  execute(): Promise<number> {
    return this.send();
  }
}

export class BuildCancelCommand extends BuildSignalCommand {
  static override paths = [['build', 'cancel']];
  static override usage = BrCommand.Usage({
    category: Category.builds,
    description:
      'Cancel a build: running tasks are cancelled and their worktrees removed; merged work stays on the build branch',
    examples: [['Cancel a build', '$0 build cancel build-shop-3f9a2c1d --reason "spec changed"']],
  });
  protected readonly action = 'cancel' as const;
  reason = Option.String('--reason', { description: 'Recorded with the cancellation' });
  execute(): Promise<number> {
    return this.send(this.reason);
  }
}
