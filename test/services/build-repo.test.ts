import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRemoteBase, resolveRepoUrl } from '../../services/build-repo';
import { useTempRepo } from '../fixtures/repo';

const repo = useTempRepo();

function addRemote(): string {
  const remoteDir = path.join(path.dirname(repo.dir), 'origin.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remoteDir]);
  repo.git('remote', 'add', 'origin', remoteDir);
  repo.git('push', '-q', 'origin', 'main');
  return pathToFileURL(remoteDir).href;
}

describe('the repository a build names', () => {
  it('is the checkout itself, as before, when the checkout has no remote or --local is given', async () => {
    expect(await resolveRepoUrl(repo.dir, {})).toBeUndefined();
    addRemote();
    expect(await resolveRepoUrl(repo.dir, { local: true })).toBeUndefined();
  });

  it("is the checkout's origin by default, a named remote, a URL, or the checkout as file://", async () => {
    const url = addRemote();
    expect(await resolveRepoUrl(repo.dir, {})).toBe(url);
    expect(await resolveRepoUrl(repo.dir, { repo: 'origin' })).toBe(url);
    expect(await resolveRepoUrl(repo.dir, { repo: 'ssh://git@example.com/acme/shop.git' })).toBe(
      'ssh://git@example.com/acme/shop.git',
    );
    expect(await resolveRepoUrl(repo.dir, { repo: '.' })).toBe(pathToFileURL(repo.dir).href);
    await expect(resolveRepoUrl(repo.dir, { repo: 'nope' })).rejects.toThrow(/neither a remote/);
  });

  it('warns when the local base branch has commits the remote lacks, and refuses a base the remote does not have', async () => {
    const url = addRemote();
    expect(await checkRemoteBase(repo.dir, url, 'main')).toEqual([]);
    repo.write('local.txt', 'not pushed\n');
    repo.commitAll('local only');
    const [warning] = await checkRemoteBase(repo.dir, url, 'main');
    expect(warning).toMatchObject({ code: 'BASE_NOT_PUSHED' });
    expect(warning!.message).toContain('1 commit(s) the remote lacks');
    await expect(checkRemoteBase(repo.dir, url, 'develop')).rejects.toThrow(/not on the remote/);
  });
});
