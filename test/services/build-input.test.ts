import { parseConfig } from '../../lib/config';
import { UserError } from '../../lib/errors';
import { makeBuildInput } from '../../services/build-input';

const inputWith = (budgetUsd: string) =>
  makeBuildInput({
    config: parseConfig({}),
    project: 'demo',
    repoPath: '/repo',
    specPathInRepo: 'SPEC.md',
    specContent: '# Demo\n',
    options: { specPath: 'SPEC.md', budgetUsd },
  });

describe('the budget a build starts with', () => {
  it.each(['-5', '0', 'Infinity', 'NaN', '1e21', 'abc', '0.00', ' 5'])(
    'refuses %p with a message that says what to pass',
    (budget) => {
      expect(() => inputWith(budget)).toThrow(UserError);
      expect(() => inputWith(budget)).toThrow(/--budget must be a positive amount in USD/);
    },
  );

  it('keeps a valid amount as the exact decimal string the user gave', () => {
    expect(inputWith('12.5').budgetUsd).toBe('12.5');
    expect(inputWith('0.10').budgetUsd).toBe('0.10');
  });
});

describe('how long a build whose budget ran out waits for a raise', () => {
  const withConfig = (budget: Record<string, unknown>) =>
    makeBuildInput({
      config: parseConfig({ budget }),
      project: 'demo',
      repoPath: '/repo',
      specPathInRepo: 'SPEC.md',
      specContent: '# Demo\n',
      options: { specPath: 'SPEC.md' },
    });

  it('is left out of the input by default (the workflow waits 24 h), so builds start with the input they had', () => {
    expect(withConfig({})).not.toHaveProperty('budgetWaitMs');
  });

  it('is budget.waitMinutes in milliseconds when set, and must be positive', () => {
    expect(withConfig({ waitMinutes: 0.05 }).budgetWaitMs).toBe(3000);
    expect(withConfig({ waitMinutes: 90 }).budgetWaitMs).toBe(5_400_000);
    expect(() => parseConfig({ budget: { waitMinutes: 0 } })).toThrow(/budget\.waitMinutes/);
  });
});
