/**
 * Separate test hosts on one machine: each worker gets its own network namespace, joined to the test
 * process by a veth pair on a private bridge. The namespace has no route to the machine's loopback,
 * so everything a worker reaches (Temporal, the database, the git daemon, the scripted Claude server)
 * it reaches at the bridge address through the forwarders this helper starts. Where namespaces cannot
 * be made (no root, no `ip`), `makeHosts` says why and hands out plain loopback hosts instead
 * (BR_TEST_NO_NETNS=1 forces that fallback).
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import net from 'node:net';

export interface TestHost {
  /** Network namespace name, or null on the loopback fallback. */
  netns: string | null;
  /** The command prefix that runs a program on this host. */
  prefix: string[];
}

export interface TestNetwork {
  /** Where the hosts reach the services: the bridge address, or 127.0.0.1 on the fallback. */
  serviceIp: string;
  hosts: TestHost[];
  /** Null when real namespaces are in use; otherwise why the test fell back to loopback. */
  fallbackReason: string | null;
  /** A TCP forwarder from serviceIp:<port> to 127.0.0.1:<targetPort>; returns the port. */
  forward(targetPort: number): Promise<number>;
  close(): Promise<void>;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export async function makeHosts(count: number): Promise<TestNetwork> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const tag = randomInt(1000, 9999).toString();
  const bridge = `brt${tag}`;
  const subnet = `10.${randomInt(100, 250)}.${randomInt(1, 250)}`;
  const made: string[] = [];
  let fallbackReason: string | null = null;
  const hosts: TestHost[] = [];
  try {
    if (process.env.BR_TEST_NO_NETNS) throw new Error('BR_TEST_NO_NETNS is set');
    ip('link', 'add', 'name', bridge, 'type', 'bridge');
    made.push(`link:${bridge}`);
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = `brt${tag}w${i}`;
      const outer = `vt${tag}h${i}`;
      ip('netns', 'add', ns);
      made.push(`netns:${ns}`);
      ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('link', 'set', outer, 'master', bridge);
      ip('link', 'set', outer, 'up');
      ip('-n', ns, 'addr', 'add', `${subnet}.${10 + i}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      hosts.push({ netns: ns, prefix: ['ip', 'netns', 'exec', ns] });
    }
  } catch (err) {
    fallbackReason = `network namespaces unavailable (${(err as Error).message.split('\n')[0]}): workers run on loopback with separate folders`;
    teardown(made);
    made.length = 0;
    hosts.length = 0;
    for (let i = 0; i < count; i++) hosts.push({ netns: null, prefix: [] });
  }
  const serviceIp = fallbackReason ? '127.0.0.1' : `${subnet}.1`;
  return {
    serviceIp,
    hosts,
    fallbackReason,
    forward: (targetPort) =>
      new Promise((resolve, reject) => {
        const server = net.createServer((inbound) => {
          const outbound = net.connect(targetPort, '127.0.0.1');
          for (const s of [inbound, outbound]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => {
              inbound.destroy();
              outbound.destroy();
            });
          }
          inbound.pipe(outbound).pipe(inbound);
        });
        servers.push(server);
        server.once('error', reject);
        server.listen(0, serviceIp, () => resolve((server.address() as net.AddressInfo).port));
      }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      teardown(made);
    },
  };
}

function teardown(made: string[]): void {
  for (const item of [...made].reverse()) {
    const [kind, name] = item.split(':') as [string, string];
    try {
      if (kind === 'netns') ip('netns', 'del', name);
      else ip('link', 'del', name);
    } catch {
      // already gone
    }
  }
}
