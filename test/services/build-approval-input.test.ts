import { ConfigError, parseConfig } from '../../lib/config';
import { makeBuildInput } from '../../services/build-input';

const inputOf = (config: unknown, approvePlan?: boolean) =>
  makeBuildInput({
    config: parseConfig(config),
    project: 'demo',
    repoPath: '/repo',
    specPathInRepo: 'SPEC.md',
    specContent: '# Demo\n',
    options: { specPath: 'SPEC.md', ...(approvePlan ? { approvePlan } : {}) },
  });

describe('the approval gate a build starts with', () => {
  it('carries nothing when no gate is on, so the input is the one builds had before gates', () => {
    expect(inputOf({})).not.toHaveProperty('approval');
  });

  it('gates the plan with --approve-plan or approval.plan, with the configured timer', () => {
    expect(inputOf({}, true).approval).toEqual({ plan: true, timeoutHours: 72, onTimeout: 'cancel' });
    expect(inputOf({ approval: { plan: true, timeoutHours: 4, onTimeout: 'approve' } }).approval).toEqual({
      plan: true,
      timeoutHours: 4,
      onTimeout: 'approve',
    });
  });

  it('refuses a bad approval config with the field named', () => {
    expect(() => parseConfig({ approval: { timeoutHours: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ approval: { onTimeout: 'maybe' } })).toThrow(/approval\.onTimeout/);
  });
});
