import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createContext } from '../../services/context';
import { webUiLink } from '../../services/temporal-client';

describe('the Web UI link', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'br-webui-'));
    writeFileSync(
      path.join(dir, 'buildrunner.config.json'),
      JSON.stringify({ temporal: { address: 'localhost:7301' } }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const devStack = (pid: number, temporalAddress: string, webUiUrl: string) => {
    mkdirSync(path.join(dir, '.buildrunner'), { recursive: true });
    writeFileSync(
      path.join(dir, '.buildrunner', 'dev.json'),
      JSON.stringify({ pid, temporalAddress, webUiUrl }),
    );
  };
  const link = (env: NodeJS.ProcessEnv = {}) =>
    webUiLink(createContext({ cwd: dir, env }), 'build-x/task-t01');

  it('is left out when nothing says where the UI is, instead of guessing port 8233', () => {
    expect(link()).toBeNull();
  });

  it('is the UI of the br dev stack serving the configured address', () => {
    devStack(process.pid, '127.0.0.1:7301', 'http://127.0.0.1:8301');
    expect(link()).toBe('http://127.0.0.1:8301/namespaces/default/workflows/build-x%2Ftask-t01');
  });

  it('ignores a br dev stack that serves another address, or whose process is gone', () => {
    devStack(process.pid, '127.0.0.1:7999', 'http://127.0.0.1:8999');
    expect(link()).toBeNull();
    devStack(2 ** 22 + 12345, '127.0.0.1:7301', 'http://127.0.0.1:8301');
    expect(link()).toBeNull();
  });

  it('comes from the config or TEMPORAL_UI_URL first', () => {
    devStack(process.pid, '127.0.0.1:7301', 'http://127.0.0.1:8301');
    expect(link({ TEMPORAL_UI_URL: 'https://temporal.example.com/' })).toBe(
      'https://temporal.example.com/namespaces/default/workflows/build-x%2Ftask-t01',
    );
  });
});
