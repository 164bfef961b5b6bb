import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class PluginsDoctorCommand extends BrCommand {
  static override paths = [['plugins', 'doctor']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Check the plugins and the notify sinks of the config without sending anything',
    details: `
      Loads every plugin, checks each notify.sinks entry against them (the sink exists, takes the events
      asked for) and runs each sink's own check of its options and environment here. Exit code 1 when
      something needs fixing. Run it where the worker runs: secrets come from the worker's environment.
    `,
    examples: [
      ['Check', '$0 plugins doctor'],
      ['For scripts', '$0 plugins doctor --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const { doctorPlugins } = await import('../../../services/plugins');
    const report = await doctorPlugins(await this.serviceContext());
    if (this.json) {
      this.printJson(report);
      return report.ok ? 0 : 1;
    }
    this.print(`Plugins: ${report.plugins.map((p) => p.name).join(', ') || 'none loaded'}`);
    for (const problem of report.problems) this.print(`✗ ${problem}`);
    for (const i of report.instances) {
      const env = i.optionEnv.map((e) => `${e.name} ${e.set ? 'set' : 'not set'}`).join(', ');
      this.print(
        `${i.problems.length ? '✗' : '✓'} ${i.id} (${i.sink}): ${i.events.join(', ')}${env ? ` · ${env}` : ''}`,
      );
      for (const p of i.problems) this.print(`    ${p}`);
    }
    if (!report.instances.length && !report.problems.length) this.print('No notify sinks configured.');
    return report.ok ? 0 : 1;
  }
}
