import { Option } from 'clipanion';
import * as t from 'typanion';
import { UserError } from '../../../lib/errors';
import { BrCommand } from '../../base';

/** Shared body of `br design profile` and `br design pattern`: list, or show one by name. */
export abstract class DesignLayerCommand extends BrCommand {
  protected abstract readonly kind: 'profile' | 'pattern';

  action = Option.String({ required: false, validator: t.isEnum(['list', 'show'] as const) });
  name = Option.String({ required: false });
  json = Option.Boolean('--json', false, {
    description: 'Print JSON (show: the DTCG document and its settings)',
  });

  async execute(): Promise<number> {
    const [{ listDesignLayers, showDesignLayer }, { renderTable }] = await Promise.all([
      import('../../../services/design'),
      import('../../render/table'),
    ]);
    if ((this.action ?? 'list') === 'list') {
      const layers = listDesignLayers(this.kind);
      if (this.json) {
        this.printJson(layers);
        return 0;
      }
      const rows = layers.map((l) =>
        this.kind === 'profile'
          ? [l.id, l.title, l.settings.contrast ?? '', l.settings.density ?? '', l.law?.name ?? '']
          : [l.id, l.title, l.settings.density ?? '', l.settings.navigation ?? ''],
      );
      const headers =
        this.kind === 'profile'
          ? ['name', 'title', 'contrast', 'density', 'baseline']
          : ['name', 'title', 'density', 'navigation'];
      this.print(renderTable(headers, rows));
      this.print(`\nbr design ${this.kind} show NAME for details.`);
      return 0;
    }
    if (!this.name)
      throw new UserError(
        `name the ${this.kind} to show: br design ${this.kind} show NAME (br design ${this.kind} list)`,
      );
    const { layer, document } = showDesignLayer(this.kind, this.name);
    if (this.json) {
      this.printJson({ ...layer, document });
      return 0;
    }
    const s = layer.settings;
    this.print(`${layer.title} (${layer.id}): ${layer.summary}`);
    if (layer.law) this.print(`Baseline: ${layer.law.name}: ${layer.law.requires}`);
    for (const [k, v] of Object.entries(s)) this.print(`  ${k}: ${String(v)}`);
    if (layer.components?.length) this.print(`  components: ${layer.components.join(', ')}`);
    this.print(`Do:\n${layer.guidance.do.map((d) => `  - ${d}`).join('\n')}`);
    this.print(`Don't:\n${layer.guidance.dont.map((d) => `  - ${d}`).join('\n')}`);
    this.print(`\nTokens (DTCG): br design ${this.kind} show ${layer.id} --json`);
    return 0;
  }
}
