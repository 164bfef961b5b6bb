import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitActivities } from '../../activities/git';
import { parseConfig } from '../../lib/config';

/**
 * A machine to attack from inside the sandbox: a repository whose main checkout holds an untracked
 * .env with a key, two task worktrees (the second with an untracked file), a home folder with an SSH
 * key, worker variables holding secrets, and a TCP listener on loopback. Secrets are built at run time.
 */
export interface Host {
  base: string;
  repo: string;
  worktree: string;
  otherWorktree: string;
  home: string;
  commonGitDir: string;
  /** Worker environment with secrets, for runs that read process.env. */
  workerEnv: { ANTHROPIC_API_KEY: string; SLACK_WEBHOOK_URL: string; REDIS_URL: string; HOME: string };
  /** Every secret value planted anywhere outside the worktree. */
  secrets: string[];
  port: number;
  connections: () => number;
  close(): Promise<void>;
}

const hex = (n: number) => randomBytes(n).toString('hex');

/** Reads, writes or connects as told and prints what happened; model-written code in the tests. */
export const PROBE = `const fs = require('fs');
const [op, target] = process.argv.slice(2);
try {
  if (op === 'read') console.log('READ ' + fs.readFileSync(target, 'utf8'));
  else if (op === 'list') console.log('LIST ' + fs.readdirSync(target).join(','));
  else if (op === 'write') { fs.writeFileSync(target, 'pwned'); console.log('WROTE ' + target); }
  else if (op === 'env') console.log('ENV ' + JSON.stringify(process.env));
  else if (op === 'connect') {
    const s = require('net').connect(Number(target), '127.0.0.1');
    s.on('connect', () => { console.log('CONNECTED'); s.end(); });
    s.on('error', (e) => { console.log('BLOCKED ' + e.code); process.exitCode = 2; });
    return;
  }
} catch (e) { console.log('BLOCKED ' + e.code); process.exitCode = 2; }
`;

export async function makeHost(agent: Record<string, unknown> = {}): Promise<Host> {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'br-sandbox-host-')));
  const repo = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(repo);
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  const sshKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${hex(48)}\n-----END OPENSSH PRIVATE KEY-----\n`;
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), sshKey);
  const envKey = `sk-ant-api03-${hex(40)}AA`;
  writeFileSync(path.join(repo, '.env'), `ANTHROPIC_API_KEY=${envKey}\n`);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(repo, '.gitignore'), '.env\n');
  writeFileSync(path.join(repo, 'probe.js'), PROBE);
  writeFileSync(
    path.join(repo, 'package.json'),
    JSON.stringify({ name: 'demo', private: true, scripts: { test: 'node test.js' } }, null, 2),
  );
  writeFileSync(
    path.join(repo, 'test.js'),
    "const fs = require('fs');\nfs.writeFileSync('out.txt', 'ok');\nconsole.log('1 test passed: ' + fs.readFileSync('out.txt', 'utf8'));\n",
  );
  const config = {
    agent: {
      commandTimeoutSeconds: 6,
      limits: { processes: 64, memoryMb: 256, outputBytes: 200_000 },
      ...agent,
    },
  };
  writeFileSync(path.join(repo, 'buildrunner.config.json'), JSON.stringify(config, null, 2));
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  const activities = createGitActivities({ config: parseConfig(config) });
  await activities.ensureBuildBranch({ repoPath: repo, baseBranch: 'main', buildBranch: 'br/b1' });
  const prepare = (taskId: string) =>
    activities.prepareWorktree({ repoPath: repo, buildId: 'b1', taskId, attempt: 1, buildBranch: 'br/b1' });
  const worktree = (await prepare('t1')).worktreePath;
  const otherWorktree = (await prepare('t2')).worktreePath;
  const otherSecret = `other-task-${hex(12)}`;
  writeFileSync(path.join(otherWorktree, 'notes.txt'), otherSecret);
  const workerEnv = {
    ANTHROPIC_API_KEY: `sk-ant-api03-${hex(40)}BB`,
    SLACK_WEBHOOK_URL: `https://hooks.slack.com/services/T${hex(4)}/B${hex(4)}/${hex(12)}`,
    REDIS_URL: `redis://:${hex(10)}@127.0.0.1:6379/0`,
    HOME: home,
  };
  const connections = { n: 0 };
  const server = net.createServer((s) => {
    connections.n++;
    s.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base,
    repo,
    worktree: realpathSync(worktree),
    otherWorktree,
    home,
    commonGitDir: path.join(repo, '.git'),
    workerEnv,
    secrets: [sshKey.split('\n')[1]!, envKey, otherSecret, ...Object.values(workerEnv).slice(0, 3)],
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections.n,
    close: async () => {
      await new Promise((r) => server.close(r));
      rmSync(base, { recursive: true, force: true });
    },
  };
}
