/**
 * A port in use is named with the process holding it: portHolder finds this test process's own
 * listening socket, and `br dev --port N` on that port stops at once with a message naming the pid,
 * leaving no lock file behind (nothing was started).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { portHolder } from '../../services/port-holder';
import { runBr } from '../helpers/cli';

let server: net.Server;
let port: number;
beforeAll(async () => {
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

it('names the process listening on a port, and nobody on a free one', async () => {
  const holder = portHolder(port);
  expect(holder?.pid).toBe(process.pid);
  expect(holder?.command).toContain('node');
  const free = net.createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const freePort = (free.address() as net.AddressInfo).port;
  await new Promise((resolve) => free.close(resolve));
  expect(portHolder(freePort)).toBeNull();
});

it('br dev on a port in use says which process holds it and starts nothing', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'br-port-'));
  try {
    const result = await runBr(['dev', '--port', String(port)], {
      cwd: dir,
      env: { TEMPORAL_ADDRESS: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} is in use by pid ${process.pid} (`);
    expect(result.stderr).toContain('--port N');
    expect(existsSync(path.join(dir, '.buildrunner', 'dev.json'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
