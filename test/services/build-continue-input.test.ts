/**
 * `br build continue` options wrong on their face are usage errors, refused before any build is looked
 * up (issue 27, attack): `--only ","` (an empty list after the CLI drops blanks) used to be taken as
 * "run nothing", answered with "every task chosen is already merged" although none was named.
 */
import { continueBuild, continuation } from '../../services/build-continue';
import type { CarryOn } from '../../workflows/core/port';
import type { ServiceContext } from '../../services/context';

/** Nothing in it: a refusal that looked anything up would throw a TypeError instead. */
const ctx = {} as ServiceContext;

it('refuses an empty --only as a usage error', async () => {
  await expect(continueBuild(ctx, { buildId: 'build-x-00000000', only: [] })).rejects.toMatchObject({
    code: 'USAGE',
    message: expect.stringMatching(/--only names no task/),
  });
});

it.each(['0', '-1', '1e3', 'abc', ''])('refuses --budget %p as a usage error', async (budgetUsd) => {
  await expect(continueBuild(ctx, { buildId: 'build-x-00000000', budgetUsd })).rejects.toMatchObject({
    code: 'USAGE',
  });
});

describe('--only with a dependency it leaves out', () => {
  // a merged; b failed; c waits for b, d waits for a.
  const carry = {
    input: { buildId: 'build-x-00000000', routing: {} },
    carried: {
      plan: {
        tasks: [
          { id: 'a', dependsOn: [] },
          { id: 'b', dependsOn: ['a'] },
          { id: 'c', dependsOn: ['b'] },
          { id: 'd', dependsOn: ['a'] },
        ],
      },
      finished: {
        a: { state: 'SUCCEEDED', attempts: 1, costUsd: '0.1' },
        b: { state: 'FAILED', attempts: 3, costUsd: '0.2' },
        c: { state: 'BLOCKED', attempts: 0, costUsd: '0' },
      },
      spentUsd: '0.3',
    },
  } as unknown as CarryOn;

  it('refuses a task that would be blocked at once, naming what to add', () => {
    expect(() => continuation(carry, { only: ['c'] }, '5')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/--only c: it waits for b \(FAILED\).*Add b to --only/),
      }),
    );
  });

  it('runs a task whose dependencies are merged or run with it', () => {
    expect(continuation(carry, { only: ['d'] }, '5').run).toEqual(['d']);
    expect(continuation(carry, { only: ['b', 'c'] }, '5').run).toEqual(['b', 'c']);
  });
});
