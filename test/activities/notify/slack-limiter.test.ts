import { SLACK_INTERVAL_MS, takeSlot } from '../../../activities/notify/sinks/slack-limiter';

/** Blocks the event loop for `ms`, as a busy worker would. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* the worker is busy */
  }
}

describe('the Slack limiter', () => {
  it('keeps a full second between the messages it lets out, when a caller wakes late', async () => {
    const signal = new AbortController().signal;
    const taken: number[] = [];
    const callers = [1, 2, 3].map(async () => {
      const done = await takeSlot('late-wake', signal, Date.now() + 10_000);
      taken.push(Date.now());
      done();
    });
    // The second slot is due 1 s after the first; the event loop is busy from 0.9 s to 1.3 s, so the
    // second caller wakes at about 1.3 s. Planned slots alone let the third out at 2.0 s: 0.7 s apart.
    setTimeout(() => busy(400), 900);
    await Promise.all(callers);
    expect(taken).toHaveLength(3);
    expect(taken[1]! - taken[0]!).toBeGreaterThanOrEqual(SLACK_INTERVAL_MS - 5);
    expect(taken[2]! - taken[1]!).toBeGreaterThanOrEqual(SLACK_INTERVAL_MS - 5);
  });

  it('lets the next message out a full second after the one before it finished, not after it began', async () => {
    const signal = new AbortController().signal;
    const events: string[] = [];
    const times: Record<string, number> = {};
    const slow = (async () => {
      const done = await takeSlot('slow-send', signal, Date.now() + 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // a message 1.5 s on its way
      times.slowDone = Date.now();
      events.push('slow done');
      done();
    })();
    const next = (async () => {
      const done = await takeSlot('slow-send', signal, Date.now() + 10_000);
      times.next = Date.now();
      events.push('next');
      done();
    })();
    await Promise.all([slow, next]);
    expect(events).toEqual(['slow done', 'next']);
    expect(times.next! - times.slowDone!).toBeGreaterThanOrEqual(SLACK_INTERVAL_MS - 5);
  });
});
