import { argumentProblem } from '../../../lib/sandbox/args';
import { sandboxEnv } from '../../../lib/sandbox/policy';
import { redactSecrets, secretValuesOf } from '../../../lib/secrets/redact';

const ROOT = '/repo/.buildrunner/worktrees/b/t';

describe('arguments of allowed commands', () => {
  it.each([
    ['npm run build --prefix /some/other/folder', '--prefix'],
    ['make -C ../../..', '-C'],
    ['make -C../other', '-C../other'],
    ['yarn --cwd /etc test', '--cwd'],
    ['pnpm --dir=../x test', '--dir=../x'],
    ['npm test -g', '-g'],
    ['git --git-dir=/repo/.git status', '--git-dir'],
    ['npm test -- ../../../../.env', 'points outside'],
    ['npm test -- /etc/passwd', 'points outside'],
    ['npm test -- --config=~/.npmrc', 'points outside'],
  ])('refuses %s', (command, why) => {
    expect(argumentProblem(command.split(' ').slice(1), ROOT)).toContain(why);
  });

  it.each(['npm test', 'npm test -- src/sum.test.js', 'npm run lint -- --fix', 'npm test -- ./a/../b.js'])(
    'allows %s',
    (command) => {
      expect(argumentProblem(command.split(' ').slice(1), ROOT)).toBeNull();
    },
  );
});

describe('the sandbox environment', () => {
  const worker = {
    PATH: '/home/u/.cargo/bin:/usr/local/bin:/usr/bin',
    LANG: 'C.UTF-8',
    SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
    REDIS_URL: 'redis://:s3cretpass@cache:6379',
    NODE_OPTIONS: '--require /home/u/hook.js',
    MY_SETTING: 'on',
  };
  const visible = (d: string) => d.startsWith('/usr');

  it('is an allow-list: the documented minimum, a sandbox HOME and TMPDIR, nothing else', () => {
    expect(sandboxEnv(worker, [], visible)).toEqual({
      LANG: 'C.UTF-8',
      PATH: '/usr/local/bin:/usr/bin',
      HOME: '/sandbox-home',
      TMPDIR: '/tmp',
      CI: 'true',
      BUILDRUNNER_SANDBOX: '1',
    });
  });

  it('passes the names listed in agent.env', () => {
    expect(sandboxEnv(worker, ['MY_SETTING'], visible).MY_SETTING).toBe('on');
  });
});

describe('masking output', () => {
  it('masks worker secrets by value, URL passwords on their own, and anything the scanner knows', () => {
    const known = secretValuesOf({
      GITHUB_TOKEN: 'tok-without-any-format-1234',
      REDIS_URL: 'redis://:s3cretpass@cache:6379',
      HARMLESS: 'visible-value',
    });
    const stripe = `sk_live_${'a1B2c3D4'.repeat(3)}`;
    const text = `auth failed for tok-without-any-format-1234\nNOAUTH s3cretpass\nkey=${stripe}\nvisible-value`;
    const out = redactSecrets(text, known);
    expect(out).not.toContain('tok-without-any-format-1234');
    expect(out).not.toContain('s3cretpass');
    expect(out).not.toContain(stripe);
    expect(out).toContain('visible-value');
  });

  it('masks even on a line that says br-ignore-secret (that comment is for files under review)', () => {
    const token = `ghp_${'Zx9'.repeat(12)}`;
    expect(redactSecrets(`${token} // br-ignore-secret`)).not.toContain(token);
  });
});
