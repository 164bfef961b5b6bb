import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class SchedulesPauseCommand extends BrCommand {
  static override paths = [['schedules', 'pause']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Pause a schedule (or resume it with --unpause), leaving a note saying why',
    details: `
      The note shows in \`br schedules list\` and in the Temporal Web UI. \`br schedules apply\` keeps a
      paused schedule paused.
    `,
    examples: [
      ['Pause retention during an audit', '$0 schedules pause retention-cleanup --note "audit until Friday"'],
      ['Resume it', '$0 schedules pause retention-cleanup --unpause'],
    ],
  });

  schedule = Option.String({ name: 'schedule' });
  note = Option.String('--note', { description: 'Why (shown with the schedule)' });
  unpause = Option.Boolean('--unpause', false, { description: 'Resume instead of pausing' });

  async execute(): Promise<number> {
    const { setSchedulePaused } = await import('../../../services/schedules');
    const note =
      this.note ??
      (this.unpause ? 'resumed with `br schedules pause --unpause`' : 'paused with `br schedules pause`');
    const id = await setSchedulePaused(await this.serviceContext(), this.schedule, {
      note,
      unpause: this.unpause,
    });
    this.print(`${id}: ${this.unpause ? 'resumed' : 'paused'} (${note}).`);
    return 0;
  }
}
