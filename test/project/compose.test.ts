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
  const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        command?: string[];
        environment?: Record<string, string>;
        depends_on?: unknown;
        healthcheck?: unknown;
        volumes?: string[];
      }
    >;
  };

  it('runs Temporal as it deploys today: a schema job, the server image, a namespace job, the Web UI, workers and a git server', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'git-server',
      'postgresql',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    const text = readFileSync(composeFile, 'utf8');
    expect(text).not.toMatch(/auto-setup|tctl/);
    expect(compose.services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(compose.services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(compose.services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(compose.services.temporal!.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
    });
    expect(compose.services.temporal!.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    const schema = readFileSync(path.join(root, 'docker/temporal/setup-schema.sh'), 'utf8');
    for (const step of ['create', 'setup-schema', 'update-schema'])
      expect(schema).toMatch(new RegExp(`--db "\\$db" ${step}`));
    expect(schema).toMatch(/temporal_visibility/);
    const namespace = readFileSync(path.join(root, 'docker/temporal/create-namespace.sh'), 'utf8');
    expect(namespace).toMatch(/namespace describe[\s\S]*namespace create/);
    expect(JSON.stringify(compose.services.temporal!.healthcheck)).toContain(
      'temporal operator cluster health',
    );
    expect(compose.services.worker!.command).toEqual(
      expect.arrayContaining(['node', 'bin/br.js', 'worker', '--cache-dir']),
    );
    expect(compose.services.worker!.environment!.DATABASE_URL).toMatch(/\/buildrunner$/);
    // Workers share no folder: no bind mount, each keeps its cache clones in its own container.
    expect(compose.services.worker!.volumes).toBeUndefined();
    expect(compose.services['git-server']!.command).toEqual(
      expect.arrayContaining(['daemon', '--enable=receive-pack']),
    );
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
