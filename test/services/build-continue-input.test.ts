/**
 * `br build continue` options wrong on their face are usage errors, refused before any build is looked
 * up (issue 27, attack): `--only ","` (an empty list after the CLI drops blanks) used to be taken as
 * "run nothing", answered with "every task chosen is already merged" although none was named.
 */
import { continueBuild } from '../../services/build-continue';
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
