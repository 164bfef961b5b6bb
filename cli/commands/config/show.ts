import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class ConfigShowCommand extends BrCommand {
  static override paths = [['config', 'show']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description:
      'Print the effective configuration (file, environment and defaults), with the API key masked',
    details: `
      Shows where the configuration came from and every value after defaults and environment overrides
      (DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_UI_URL, ANTHROPIC_BASE_URL).
      A database password is masked; the Anthropic key is shown as its prefix and last 4 characters.
    `,
    examples: [
      ['Show the configuration', '$0 config show'],
      ['Only the model catalog', '$0 config show --json | jq .config.models'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print as JSON' });

  async execute(): Promise<number> {
    const [{ findApiKey }, { maskKey }, { redactUrl }] = await Promise.all([
      import('../../../services/api-key'),
      import('../../../lib/apikey'),
      import('../../../lib/db/connection'),
    ]);
    const ctx = await this.serviceContext();
    const key = findApiKey({ env: ctx.env, cwd: ctx.cwd });
    const config = {
      ...ctx.config,
      database: {
        ...ctx.config.database,
        url: ctx.config.database.url ? redactUrl(ctx.config.database.url) : undefined,
      },
    };
    const result = {
      file: ctx.file,
      root: ctx.root,
      apiKey: key ? { masked: maskKey(key.key), source: key.source } : null,
      config,
    };
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    this.print(`Config file: ${result.file ?? '(none: defaults)'}`);
    this.print(
      `API key:     ${result.apiKey ? `${result.apiKey.masked} (${result.apiKey.source})` : '(not set)'}`,
    );
    this.print(JSON.stringify(config, null, 2));
    return 0;
  }
}
