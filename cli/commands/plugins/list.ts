import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class PluginsListCommand extends BrCommand {
  static override paths = [['plugins', 'list']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'List the loaded plugins: their sinks, the events each takes, the environment each needs',
    details: `
      The built-in plugins and those listed in "plugins" of buildrunner.config.json (local files relative
      to it, or installed packages; node_modules is never scanned). For each variable a sink reads, says
      whether it is set here (the environment or .env), never its value.
    `,
    examples: [
      ['List plugins', '$0 plugins list'],
      ['For scripts', '$0 plugins list --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the plugins as JSON' });

  async execute(): Promise<number> {
    const { listPlugins } = await import('../../../services/plugins');
    const plugins = await listPlugins(await this.serviceContext());
    if (this.json) {
      this.printJson({ plugins });
      return 0;
    }
    for (const p of plugins) {
      this.print(`${p.name} (${p.source})`);
      for (const s of p.sinks) {
        const used = s.configured.length ? `configured as ${s.configured.join(', ')}` : 'not configured';
        this.print(`  sink ${s.name}: ${s.description} [${used}]`);
        this.print(`    events: ${s.events.join(', ')}`);
        const left = s.events.filter((e) => !s.defaultEvents.includes(e));
        if (left.length)
          this.print(
            `    by default: all but ${left.join(', ')} (name them in notify.sinks[].events to get them)`,
          );
        this.print(
          `    ${s.idempotent ? 'idempotent' : 'not idempotent (never sent twice)'}, timeout ${s.timeoutMs} ms`,
        );
        for (const e of s.env)
          this.print(
            `    env ${e.name}${e.required ? '' : ' (optional)'}: ${e.set ? 'set' : 'not set'} · ${e.description}`,
          );
      }
      for (const c of p.commands)
        this.print(`  command ${c.name}: ${c.description} (br plugins run ${p.name} ${c.name})`);
    }
    return 0;
  }
}
