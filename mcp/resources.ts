import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ContextFactory } from './context';
import { MAX_RESPONSE_BYTES, type ResourceLink } from './respond';

/**
 * Large things are resources, linked from tool results instead of inlined: a build's log (paged, the
 * lines of `br build logs`), its diff and one task's diff (paged, the patch of `br build diff`), its gap
 * report (the markdown of `br gaps analyze --build`) and STATUS.md (rendered from features.json, as
 * `br generate` writes it).
 */
export const STATUS_URI = 'br://status';
const LOG_LINES_PER_PAGE = 400;
const PATCH_BYTES_PER_PAGE = 80_000;

export const logsUri = (buildId: string, page = 1) =>
  `br://builds/${encodeURIComponent(buildId)}/logs/${page}`;

export const diffUri = (buildId: string, page = 1, taskId?: string) =>
  `br://builds/${encodeURIComponent(buildId)}${taskId ? `/tasks/${encodeURIComponent(taskId)}` : ''}/diff/${page}`;
export const gapsUri = (buildId: string) => `br://builds/${encodeURIComponent(buildId)}/gaps`;

export function buildLinks(buildId: string): ResourceLink[] {
  return [
    { type: 'resource_link', uri: logsUri(buildId), name: `${buildId} log`, mimeType: 'text/plain' },
    { type: 'resource_link', uri: STATUS_URI, name: 'STATUS.md', mimeType: 'text/markdown' },
    {
      type: 'resource_link',
      uri: diffUri(buildId),
      name: `${buildId} diff`,
      mimeType: 'text/x-diff',
      description: 'base...build branch; one task: br://builds/{buildId}/tasks/{taskId}/diff/1',
    },
    {
      type: 'resource_link',
      uri: gapsUri(buildId),
      name: `${buildId} gap report`,
      mimeType: 'text/markdown',
    },
  ];
}

/** A patch cut at line ends into pages of at most `bytes` each; a line longer than a page is cut too. */
export function patchPages(patch: string, bytes = PATCH_BYTES_PER_PAGE): string[] {
  const pages: string[] = [];
  let current = '';
  let size = 0;
  for (const line of patch.split(/(?<=\n)/))
    for (const piece of pieces(line, bytes)) {
      const n = Buffer.byteLength(piece);
      if (size && size + n > bytes) {
        pages.push(current);
        current = '';
        size = 0;
      }
      current += piece;
      size += n;
    }
  if (current) pages.push(current);
  return pages.length ? pages : [''];
}

/** A line as is, or cut into pieces of at most `bytes` (never inside a character). */
function pieces(line: string, bytes: number): string[] {
  if (Buffer.byteLength(line) <= bytes) return [line];
  const out: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (size + n > bytes) {
      out.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current) out.push(current);
  return out;
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

  const readDiff = async (uri: URL, buildId: string, page: number, taskId?: string) => {
    const [{ buildDiff }, ctx] = await Promise.all([import('../services/build-diff'), context()]);
    const diff = await buildDiff(ctx, buildId, taskId ? { taskId } : {});
    const pages = patchPages(diff.patch ?? '');
    const text = pages[page - 1] ?? '';
    const more = page < pages.length ? `\n(more: ${diffUri(buildId, page + 1, taskId)})` : '';
    const head = `# ${diff.range}, page ${page} of ${pages.length}\n`;
    return { contents: [{ uri: uri.href, mimeType: 'text/x-diff', text: head + capped(text) + more }] };
  };
  server.registerResource(
    'build-diff',
    new ResourceTemplate('br://builds/{buildId}/diff/{page}', { list: undefined }),
    {
      title: 'Build diff',
      description: "A page of a build's diff, base...build branch",
      mimeType: 'text/x-diff',
    },
    (uri, v) => readDiff(uri, decodeURIComponent(String(v.buildId)), Math.max(1, Number(v.page) || 1)),
  );
  server.registerResource(
    'task-diff',
    new ResourceTemplate('br://builds/{buildId}/tasks/{taskId}/diff/{page}', { list: undefined }),
    { title: 'Task diff', description: "A page of one task's merged change", mimeType: 'text/x-diff' },
    (uri, v) =>
      readDiff(
        uri,
        decodeURIComponent(String(v.buildId)),
        Math.max(1, Number(v.page) || 1),
        decodeURIComponent(String(v.taskId)),
      ),
  );
  server.registerResource(
    'gap-report',
    new ResourceTemplate('br://builds/{buildId}/gaps', { list: undefined }),
    {
      title: 'Gap report',
      description: "A build's traceability matrix and findings",
      mimeType: 'text/markdown',
    },
    async (uri, v) => {
      const [{ analyzeSpecGaps }, { gapsMarkdown }, ctx] = await Promise.all([
        import('../services/gaps'),
        import('../lib/gaps/render'),
        context(),
      ]);
      const report = await analyzeSpecGaps(ctx, { buildId: decodeURIComponent(String(v.buildId)) });
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: capped(gapsMarkdown(report)) }] };
    },
  );

  server.registerResource(
    'status-md',
    STATUS_URI,
    { title: 'STATUS.md', description: 'Feature progress from features.json', mimeType: 'text/markdown' },
    async (uri) => {
      const [{ readFeatures }, { renderStatus }, { projectRoot }, ctx] = await Promise.all([
        import('../services/features'),
        import('../lib/features/status-md'),
        import('../services/project-root'),
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
