import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBr } from '../../helpers/cli';
import { useTempRepo } from '../../fixtures/repo';

const repo = useTempRepo();

describe('br hooks install, status and uninstall', () => {
  it('installs, reports and uninstalls through the CLI, with --json printing the service result', async () => {
    const existing = path.join(repo.dir, '.git/hooks/post-commit');
    writeFileSync(existing, '#!/bin/sh\necho previous\n');
    chmodSync(existing, 0o755);
    const before = readFileSync(existing);

    const notYet = await runBr(['hooks', 'status', '--json'], { cwd: repo.dir });
    expect(notYet.code).toBe(1);
    expect(JSON.parse(notYet.stdout).hooks[1]).toMatchObject({ hook: 'post-commit', state: 'foreign' });

    const install = await runBr(['hooks', 'install'], { cwd: repo.dir });
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('post-commit  installed, runs the existing hook first');
    const shim = readFileSync(path.join(repo.dir, '.git/hooks/pre-commit'), 'utf8');
    expect(shim).toContain(`node '${path.resolve(__dirname, '../../../bin/br.js')}' hooks run pre-commit`);

    const status = await runBr(['hooks', 'status', '--json'], { cwd: repo.dir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ scope: 'default', ok: true });

    const uninstall = await runBr(['hooks', 'uninstall'], { cwd: repo.dir });
    expect(uninstall.stdout).toContain('post-commit  restored');
    expect(readFileSync(existing).equals(before)).toBe(true);
    expect((await runBr(['hooks', 'uninstall'], { cwd: repo.dir })).stdout).toContain('No BuildRunner hooks');
  });

  it('rejects an unknown hook name with what to use instead', async () => {
    const r = await runBr(['hooks', 'run', 'pre-rebase'], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('use pre-commit, post-commit or pre-push');
  });
});
