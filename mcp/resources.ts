import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ContextFactory } from './context';
import { MAX_RESPONSE_BYTES, type ResourceLink } from './respond';

/**
 * Large things are resources, linked from tool results instead of inlined: a build's log (paged, the
 * lines of `br build logs`) and STATUS.md (rendered from features.json, as `br generate` writes it).
 */
export const STATUS_URI = 'br://status';
const LOG_LINES_PER_PAGE = 400;

export const logsUri = (buildId: string, page = 1) =>
  `br://builds/${encodeURIComponent(buildId)}/logs/${page}`;

export function buildLinks(buildId: string): ResourceLink[] {
  return [
    { type: 'resource_link', uri: logsUri(buildId), name: `${buildId} log`, mimeType: 'text/plain' },
    { type: 'resource_link', uri: STATUS_URI, name: 'STATUS.md', mimeType: 'text/markdown' },
  ];
}

export function registerResources(server: McpServer, context: ContextFactory): void {
  server.registerResource(
    'build-log',
    new ResourceTemplate('br://builds/{buildId}/logs/{page}', { list: undefined }),
    { title: 'Build log', description: 'A page of a build log (oldest first)', mimeType: 'text/plain' },
    async (uri, variables) => {
      const buildId = decodeURIComponent(String(variables.buildId));
      const page = Math.max(1, Number(variables.page) || 1);
      const [{ buildBackend }, ctx] = await Promise.all([import('../services/build-backend'), context()]);
      const lines = (await buildBackend(ctx).logs(ctx, buildId, {})).map(
        (l) => `${l.time}  ${l.type}  ${l.detail}`,
      );
      const start = (page - 1) * LOG_LINES_PER_PAGE;
      const shown = lines.slice(start, start + LOG_LINES_PER_PAGE);
      const more = start + shown.length < lines.length ? `\n(more: ${logsUri(buildId, page + 1)})` : '';
      return {
        contents: [{ uri: uri.href, mimeType: 'text/plain', text: capped(shown.join('\n')) + more }],
      };
    },
  );

  server.registerResource(
    'status-md',
    STATUS_URI,
    { title: 'STATUS.md', description: 'Feature progress from features.json', mimeType: 'text/markdown' },
    async (uri) => {
      const [{ readFeatures }, { renderStatus }, { projectRoot }, ctx] = await Promise.all([
        import('../lib/features/store'),
        import('../lib/features/status-md'),
        import('../lib/features/root'),
        context(),
      ]);
      const text = renderStatus(readFeatures(projectRoot(ctx.cwd)));
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: capped(text) }] };
    },
  );
}

function capped(text: string): string {
  if (Buffer.byteLength(text) <= MAX_RESPONSE_BYTES - 200) return text;
  return `${Buffer.from(text)
    .subarray(0, MAX_RESPONSE_BYTES - 200)
    .toString()}\n(truncated)`;
}
