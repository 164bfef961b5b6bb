import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../../base';

export class McpServeCommand extends BrCommand {
  static override paths = [['mcp', 'serve']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Serve BuildRunner to a coding agent over the Model Context Protocol',
    details: `
      Six tools (br_plan, br_build_start, br_build_status, br_build_control, br_costs, br_feature) over
      the same services as the CLI's --json. Over stdio by default (stdout carries JSON-RPC only; logs
      go to stderr). \`--http\` serves Streamable HTTP at http://127.0.0.1:PORT/mcp, bound to loopback
      only. Run it from the repository the agent works in; \`br mcp install\` registers it with a client.
    `,
    examples: [
      ['For an agent that starts it (stdio)', '$0 mcp serve'],
      ['Over HTTP on port 7357', '$0 mcp serve --http --port 7357'],
    ],
  });

  http = Option.Boolean('--http', false, { description: 'Serve Streamable HTTP on 127.0.0.1' });
  port = Option.String('--port', '7357', {
    description: 'HTTP port (0 picks a free one)',
    validator: t.cascade(t.isNumber(), t.isInteger(), t.isInInclusiveRange(0, 65535)),
  });

  async execute(): Promise<number> {
    const { serveHttp, serveStdio } = await import('../../../mcp/transports');
    const context = () => this.serviceContext();
    if (!this.http) {
      await serveStdio(context);
      return 0;
    }
    const server = await serveHttp(context, { port: this.port });
    this.printError(`BuildRunner MCP server listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  }
}
