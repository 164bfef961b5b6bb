import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../../services/context';
import { writeDevLock } from '../../services/dev-lock';
import { httpDuration, httpPayload, temporalHttpBase } from '../../services/temporal-http';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe("Temporal's HTTP API for status reads", () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'br-temporal-http-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is the configured address first, then the one br dev started here for the same server, else unknown', () => {
    const base = (env: Record<string, string>) => temporalHttpBase(createContext({ cwd: root, env }));
    expect(base({ TEMPORAL_ADDRESS: '127.0.0.1:7233' })).toBeNull();
    writeDevLock(root, {
      pid: process.pid,
      temporalAddress: '127.0.0.1:7233',
      temporalHttpAddress: '127.0.0.1:7243',
    });
    expect(base({ TEMPORAL_ADDRESS: 'localhost:7233' })).toBe('http://127.0.0.1:7243');
    expect(base({ TEMPORAL_ADDRESS: 'temporal.example.com:7233' })).toBeNull();
    expect(base({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_HTTP_ADDRESS: '10.0.0.5:7243' })).toBe(
      'http://10.0.0.5:7243',
    );
  });

  it('reads payloads and durations as the gRPC path does', () => {
    const payload = (encoding: string, data: string) => ({
      payloads: [{ metadata: { encoding: b64(encoding) }, data: b64(data) }],
    });
    expect(httpPayload(payload('json/plain', '{"dependsOn":[]}'))).toEqual({ dependsOn: [] });
    expect(httpPayload(payload('binary/null', ''))).toBeUndefined();
    expect(httpPayload(payload('json/plain', '{not json'))).toBeUndefined();
    expect(httpPayload(undefined)).toBeUndefined();
    expect(httpDuration('12.5s')).toBe(12_500);
    expect(httpDuration('1.005s')).toBe(1_005);
    expect(httpDuration('600s')).toBe(600_000);
    expect(httpDuration(undefined)).toBeUndefined();
  });
});
