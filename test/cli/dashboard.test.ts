import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../activities/db/connection';
import { migrate } from '../../activities/db/migrate';
import { brNodeArgs } from '../fixtures/br-process';
import { seedShopAndBlog } from '../fixtures/dashboard';

// The built CLI through bin/br.js, or the sources under tsx when dist/ is stale: one process to signal.

function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

describe('br dashboard as a process', () => {
  it('serves the embedded database of its folder, read-only, and lets it go on SIGINT', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-dash-cli-'));
    const dataDir = path.join(root, '.buildrunner', 'db');
    try {
      const db = await openDatabase({ kind: 'pglite', dataDir });
      await migrate(db);
      await seedShopAndBlog(db);
      await db.close();

      const child = spawn(process.execPath, brNodeArgs(['dashboard', '--port', '0', '--no-open']), {
        cwd: root,
        env: withoutDatabaseUrl(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /Dashboard on (http:\/\/127\.0\.0\.1:\d+) \(read-only\)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const page = await (await fetch(`${url}/`)).text();
      expect(page).toContain('/srv/repos/shop');
      expect(page).not.toContain('<form');
      expect(existsSync(`${dataDir}.lock`)).toBe(true);

      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGINT');
      });
      expect(code).toBe(0);
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 90_000);

  it('warns on stderr when told to listen beyond loopback', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'br-dash-wide-'));
    const dataDir = path.join(root, '.buildrunner', 'db');
    try {
      const db = await openDatabase({ kind: 'pglite', dataDir });
      await migrate(db);
      await db.close();
      const child = spawn(
        process.execPath,
        brNodeArgs(['dashboard', '--host', '0.0.0.0', '--port', '0', '--no-open']),
        { cwd: root, env: withoutDatabaseUrl(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (/Dashboard on http:\/\/0\.0\.0\.0:\d+/.test(out)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGINT');
      });
      expect(code).toBe(0);
      expect(err).toMatch(/Warning: .*0\.0\.0\.0.*every network/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 90_000);
});
