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
