import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.join(__dirname, '../..');
const composeFile = path.join(root, 'docker-compose.yml');

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever can validate a file here. */
function findValidator(): string[] | null {
  const candidates = [['docker', 'compose'], ['docker-compose']];
  for (const cmd of candidates) {
    const probe = spawnSync(cmd[0]!, [...cmd.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return cmd;
  }
  return null;
}

const validator = findValidator();
if (!validator) {
  console.warn(
    'docker-compose.yml: neither `docker compose` nor `docker-compose` is installed, so only its structure was checked (apt-get install docker-compose to validate it).',
  );
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(composeFile, 'utf8')) as {
    services: Record<
      string,
      { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: unknown }
    >;
  };

  it('runs Temporal on PostgreSQL, the Web UI, PostgreSQL and a br worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgresql', 'temporal', 'temporal-ui', 'worker']);
    expect(compose.services.temporal!.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
    });
    expect(compose.services.worker!.command).toEqual(['node', 'bin/br.js', 'worker']);
    expect(compose.services.worker!.environment!.DATABASE_URL).toMatch(/\/buildrunner$/);
  });

  it('takes the API key from the environment and never holds one', () => {
    expect(compose.services.worker!.environment!.ANTHROPIC_API_KEY).toBe('${ANTHROPIC_API_KEY:-}');
    expect(readFileSync(composeFile, 'utf8')).not.toMatch(/sk-ant-[A-Za-z0-9]/);
  });

  (validator ? it : it.skip)('is accepted by the compose CLI, which rejects a broken copy', () => {
    const [cmd, ...args] = validator!;
    execFileSync(cmd!, [...args, '-f', composeFile, 'config', '--quiet'], { cwd: root, stdio: 'pipe' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-compose-'));
    cpSync(path.join(root, 'docker'), path.join(dir, 'docker'), { recursive: true });
    writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      readFileSync(composeFile, 'utf8').replace('    ports:\n', '    portz:\n'),
    );
    const broken = spawnSync(
      cmd!,
      [...args, '-f', path.join(dir, 'docker-compose.yml'), 'config', '--quiet'],
      { encoding: 'utf8' },
    );
    expect(broken.status).not.toBe(0);
    expect(broken.stderr + broken.stdout).toMatch(/portz/);
  });
});
