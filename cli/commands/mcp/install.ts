import { Option } from 'clipanion';
import * as t from 'typanion';
import { MCP_CLIENTS, MCP_SCOPES } from '../../../services/mcp-install';
import { BrCommand, Category } from '../../base';

export class McpInstallCommand extends BrCommand {
  static override paths = [['mcp', 'install']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: "Register `br mcp serve` in a coding agent's MCP configuration",
    details: `
      Adds (or updates) the \`buildrunner\` entry under \`mcpServers\` and leaves every other key and
      server as it was; running it again changes nothing. Claude Code: \`.mcp.json\` (project) or
      \`~/.claude.json\` (user). Cursor: \`.cursor/mcp.json\` (project) or \`~/.cursor/mcp.json\` (user).
      A file that is not valid JSON is refused and left untouched.
    `,
    examples: [
      ['Claude Code, for this repository', '$0 mcp install --client claude-code'],
      ['Cursor, for every project of this user', '$0 mcp install --client cursor --scope user'],
    ],
  });

  client = Option.String('--client', { required: true, validator: t.isEnum(MCP_CLIENTS) });
  scope = Option.String('--scope', 'project', {
    description: 'project (default) or user',
    validator: t.isEnum(MCP_SCOPES),
  });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { installMcpServer } = await import('../../../services/mcp-install');
    const result = installMcpServer(await this.serviceContext(), { client: this.client, scope: this.scope });
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    const done = {
      created: 'Created',
      added: 'Added BuildRunner to',
      updated: 'Updated BuildRunner in',
      unchanged: 'BuildRunner is already in',
    }[result.action];
    this.print(`${done} ${result.file} (${result.client}, ${result.scope} scope).`);
    if (result.action !== 'unchanged')
      this.print('Restart the client (or reload its MCP servers) to use it.');
    return 0;
  }
}
