import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { ContextFactory } from './context';
import { createMcpServer, warmUp } from './server';

/**
 * stdio: stdout carries JSON-RPC and nothing else. The transport keeps the only handle on the real
 * stdout; everything else that writes to process.stdout (a library's console.log, a stray print) is sent
 * to stderr, where a client shows it as a log.
 */
export async function serveStdio(context: ContextFactory): Promise<void> {
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout) as (
    chunk: unknown,
    cb: (err?: Error | null) => void,
  ) => boolean;
  const wire = new Writable({ write: (chunk, _enc, cb) => void realWrite(chunk, cb) });
  stdout.write = process.stderr.write.bind(process.stderr);
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  await warmUp(context);
  const transport = new StdioServerTransport(process.stdin, wire);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await createMcpServer(context).connect(transport);
  process.stderr.write('BuildRunner MCP server ready on stdio\n');
  await closed;
}

export interface HttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Streamable HTTP on 127.0.0.1 only, stateless (a fresh MCP server per request: builds live in Temporal,
 * not in this process), JSON responses, and Host checks against DNS rebinding.
 */
export async function serveHttp(
  context: ContextFactory,
  options: { port?: number } = {},
): Promise<HttpServer> {
  const { StreamableHTTPServerTransport } =
    await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  await warmUp(context);
  let allowedHosts: string[] = [];
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/mcp')) {
      res.writeHead(404).end('BuildRunner serves MCP at /mcp\n');
      return;
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      enableDnsRebindingProtection: true,
      allowedHosts,
    });
    const mcp = createMcpServer(context);
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    mcp
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((err: unknown) => {
        process.stderr.write(`MCP request failed: ${err instanceof Error ? err.message : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
