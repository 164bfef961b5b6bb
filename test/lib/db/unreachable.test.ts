import { isDatabaseUnreachable, saysDatabaseUnreachable } from '../../../lib/db/unreachable';

/** What the attempt's cost ledger waits out, and what it must not. */
describe('isDatabaseUnreachable', () => {
  it('reads a write whose connection went away inside its transaction as the database being away', () => {
    // The error a clean-clone CI run failed a task on, as Prisma's driver adapter raised it.
    const err = Object.assign(
      new Error(
        'Invalid `db.prisma.costEntry.createMany()` invocation:\n\nTransaction API error: Transaction already closed: A rollback cannot be executed on a committed transaction.',
      ),
      { code: 'P2028' },
    );
    expect(isDatabaseUnreachable(err)).toBe(true);
    expect(saysDatabaseUnreachable(err.message)).toBe(true);
  });

  it('reads connection errors by code, text or cause', () => {
    expect(isDatabaseUnreachable(Object.assign(new Error('x'), { code: 'P1001' }))).toBe(true);
    expect(isDatabaseUnreachable(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(
      isDatabaseUnreachable(new Error('outer', { cause: new Error('Connection terminated unexpectedly') })),
    ).toBe(true);
  });

  it('does not read a refused query as an outage', () => {
    expect(
      isDatabaseUnreachable(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })),
    ).toBe(false);
    expect(isDatabaseUnreachable(new Error('relation "CostEntry" does not exist'))).toBe(false);
    expect(
      isDatabaseUnreachable(
        Object.assign(new Error('Transaction API error: Transaction not found'), { code: 'P2028' }),
      ),
    ).toBe(false);
    expect(isDatabaseUnreachable(null)).toBe(false);
  });
});
