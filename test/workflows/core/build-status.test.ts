import { statusOf } from '../../../workflows/core/build-report';

describe('statusOf', () => {
  const none = { stopped: false, draining: false, paused: false, breakerOpen: false };
  it.each([
    [{}, 'RUNNING'],
    [{ breakerOpen: true }, 'WAITING_FOR_BUDGET'],
    [{ paused: true, breakerOpen: true }, 'PAUSED'],
    [{ draining: true, paused: true, breakerOpen: true }, 'DRAINING'],
    [{ stopped: true, draining: true, paused: true, breakerOpen: true }, 'CANCELLING'],
    [{ stopped: true }, 'CANCELLING'],
  ] as const)('reads %j as %s', (flags, status) => {
    expect(statusOf({ ...none, ...flags })).toBe(status);
  });
});
