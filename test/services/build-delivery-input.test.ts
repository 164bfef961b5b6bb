import { ConfigError, parseConfig } from '../../lib/config';
import { makeBuildInput } from '../../services/build-input';

const inputOf = (config: unknown) =>
  makeBuildInput({
    config: parseConfig(config),
    project: 'demo',
    repoPath: '/repo',
    specPathInRepo: 'SPEC.md',
    specContent: '# Demo\n',
    options: { specPath: 'SPEC.md' },
  });

describe('the delivery a build starts with', () => {
  it('carries nothing by default (mode none): the build ends on its branch, with the input it had before', () => {
    const input = inputOf({});
    expect(input).not.toHaveProperty('delivery');
    expect(input).not.toHaveProperty('approval');
  });

  it('carries the merge mode, and the delivery gate beside a plan gate or alone', () => {
    expect(inputOf({ delivery: { mode: 'merge' } }).delivery).toEqual({ mode: 'merge' });
    expect(inputOf({ delivery: { mode: 'merge' } })).not.toHaveProperty('approval');
    expect(
      inputOf({ delivery: { mode: 'merge' }, approval: { delivery: true, timeoutHours: 2 } }).approval,
    ).toEqual({
      plan: false,
      delivery: true,
      timeoutHours: 2,
      onTimeout: 'cancel',
    });
  });

  it('carries the pull-request mode with where on GitHub (names only), and refuses a repo that is not owner/name', () => {
    const github = { repo: 'acme/shop', tokenEnv: 'SHOP_GITHUB_TOKEN' };
    expect(inputOf({ delivery: { mode: 'pull-request', github } }).delivery).toEqual({
      mode: 'pull-request',
      github,
    });
    expect(() => parseConfig({ delivery: { mode: 'pull-request', github: { repo: 'shop' } } })).toThrow(
      /delivery\.github\.repo/,
    );
  });

  it('refuses a delivery gate with nothing to deliver, and an unknown mode, naming the field', () => {
    expect(() => inputOf({ approval: { delivery: true } })).toThrow(
      /approval\.delivery is on, but delivery\.mode is "none"/,
    );
    expect(() => parseConfig({ delivery: { mode: 'push' } })).toThrow(ConfigError);
    expect(() => parseConfig({ delivery: { mode: 'push' } })).toThrow(/delivery\.mode/);
  });
});
