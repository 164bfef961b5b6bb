import fc from 'fast-check';
import type { NotifyEvent } from '../../../lib/notify/events';
import { slackMessage } from '../../../lib/notify/slack-blocks';
import { escapeMrkdwn, fitBlocks, mrkdwn, type SlackBlock } from '../../../lib/notify/slack-text';
import { mrkdwnTexts, slackPayloadProblems } from '../../fixtures/slack-webhook-server';
import { finishedWith200Failures, sampleEvent, sampleEvents } from './slack-sample-events';

const links = {
  status: 'br build status build-shop-3f9a2c1d',
  webUi: 'http://localhost:8233/namespaces/default/workflows/build-shop-3f9a2c1d',
};

/** What Slack would parse as a mention or a link: `<` followed by `!`, `@`, `#` or a URL scheme. */
const SPECIAL = /<(?:[!@#]|https?:|mailto:)/;
const OWN_LINK = `<${links.webUi}|Temporal Web UI>`;

/** The mrkdwn texts, less the one link the sink puts there itself. */
function parsedTexts(message: ReturnType<typeof slackMessage>): string[] {
  return mrkdwnTexts(message).map((t) => t.split(OWN_LINK).join(''));
}

describe('slackMessage', () => {
  it.each(sampleEvents().map((e) => [e.type, e] as const))(
    'makes a valid Block Kit message with a text fallback for %s',
    (_type, event) => {
      const message = slackMessage(event, links);
      expect(slackPayloadProblems(message)).toEqual([]);
      expect(message.text.length).toBeGreaterThan(10);
      expect(message.blocks[0]).toMatchObject({ type: 'header' });
      const texts = mrkdwnTexts(message).join('\n');
      expect(texts).toContain('build-shop-3f9a2c1d');
      expect(texts).toContain(
        '<http://localhost:8233/namespaces/default/workflows/build-shop-3f9a2c1d|Temporal Web UI>',
      );
      expect(texts).toContain('`br build status build-shop-3f9a2c1d`');
    },
  );

  it('says what each event is about', () => {
    const texts = (type: NotifyEvent['type']) =>
      mrkdwnTexts(slackMessage(sampleEvent(type), links)).join('\n');
    expect(texts('build.started')).toContain('$20.00');
    expect(texts('approval.requested')).toContain(
      '`br build approve build-shop-3f9a2c1d --plan-hash a1b2c3d4e5f6`',
    );
    expect(texts('approval.requested')).toContain('the build is cancelled');
    expect(texts('task.succeeded')).toContain('`abcdef012345`');
    expect(texts('task.failed')).toContain('src/checkout.ts:12 no-unused-vars');
    expect(texts('build.budget_threshold')).toContain('--raise &lt;usd&gt;');
    expect(texts('build.finished')).toContain('10/12 succeeded · 1 failed · 1 blocked · 0 cancelled');
    expect(texts('build.finished')).toContain('1h 2m');
  });

  it('escapes titles and messages so they cannot mention @channel or forge a link', () => {
    const failed = sampleEvent('task.failed');
    const event: NotifyEvent = {
      ...failed,
      data: {
        ...failed.data,
        title: '<!channel> fix <https://evil.example|the login> & <@U024BE7LH>',
        message: 'see <!here|here> and <http://phish.example|docs>',
        taskId: 't<!everyone>',
      },
    };
    const message = slackMessage(event, links);
    for (const text of parsedTexts(message)) expect(text).not.toMatch(SPECIAL);
    expect(message.text).toContain(
      '&lt;!channel&gt; fix &lt;https://evil.example|the login&gt; &amp; &lt;@U024BE7LH&gt;',
    );
    // The header is plain_text, where Slack parses neither mentions nor links: shown as typed.
    expect(message.blocks[0]).toMatchObject({
      text: { type: 'plain_text', text: expect.stringContaining('<!channel>') },
    });
  });

  it('shows a link that is not a plain URL as code instead of building a broken link', () => {
    const message = slackMessage(sampleEvent('build.started'), {
      status: 'https://br.example/b|<!channel>',
    });
    const footer = mrkdwnTexts(message).join('\n');
    expect(footer).not.toMatch(SPECIAL);
    expect(footer).toContain('`https://br.example/b|&lt;!channel&gt;`');
  });

  it('cuts a 10,000-character failure message to one section of at most 3,000 characters, visibly', () => {
    const failed = sampleEvent('task.failed');
    const message = slackMessage({ ...failed, data: { ...failed.data, message: 'x'.repeat(10_000) } }, links);
    expect(slackPayloadProblems(message)).toEqual([]);
    const body = message.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('```'));
    const text = (body as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.length).toBeGreaterThan(2800);
    expect(text).toMatch(/… _\(7,\d{3} more characters not shown\)_\n```$/);
  });

  it('cuts a build summary listing 200 failed tasks within the limits, escaped and visibly cut', () => {
    const message = slackMessage(finishedWith200Failures(), links);
    expect(slackPayloadProblems(message)).toEqual([]);
    const texts = parsedTexts(message);
    for (const text of texts) expect(text).not.toMatch(SPECIAL);
    const summary = texts.find((t) => t.startsWith('200 tasks failed'));
    expect(summary).toContain('t1: HOOK_REJECTED: &lt;!channel&gt;');
    expect(summary).not.toContain('t200:');
    expect(summary).toMatch(/more characters not shown\)_$/);
    expect(texts.join('\n')).toContain('0/200 succeeded · 200 failed');
  });

  it('never cuts an escape in half', () => {
    const text = mrkdwn('&'.repeat(5000), 3000);
    const kept = text.split('\n')[0] ?? '';
    expect(kept).toMatch(/^(&amp;)+$/);
    expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('keeps at most 50 blocks, and says how many it left out', () => {
    const blocks: SlackBlock[] = Array.from({ length: 200 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `task ${i}` },
    }));
    const fitted = fitBlocks(blocks);
    expect(fitted).toHaveLength(50);
    expect(fitted[48]).toEqual(blocks[48]);
    expect(fitted[49]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '_151 more blocks not shown_' }],
    });
  });

  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn('a & b < c > d *e* `f`')).toBe('a &amp; b &lt; c &gt; d *e* `f`');
  });

  it('makes a valid payload with no mention or link from any title, message or id', () => {
    const piece = fc.constantFrom(
      '<!channel>',
      '<@U1|x>',
      '<',
      '>',
      '&',
      '&amp;',
      '|',
      '`',
      '```',
      '\n',
      '😀',
      '\uD800',
      'x'.repeat(700),
    );
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...sampleEvents()), text, text, text, (event, a, b, c) => {
        const e = withText(event, a, b, c);
        const message = slackMessage(e, links);
        expect(slackPayloadProblems(message)).toEqual([]);
        for (const t of parsedTexts(message)) expect(t).not.toMatch(SPECIAL);
      }),
      { numRuns: 100 },
    );
  });
});

/** The event with user-controlled strings replaced (a title, a message, the build and task ids). */
function withText(event: NotifyEvent, a: string, b: string, c: string): NotifyEvent {
  const e = { ...event, buildId: c } as NotifyEvent;
  switch (e.type) {
    case 'task.failed':
      return { ...e, data: { ...e.data, title: a, message: b, taskId: c, failureClass: a } };
    case 'task.succeeded':
      return { ...e, data: { ...e.data, title: a, model: b, taskId: c } };
    case 'build.finished':
      return { ...e, data: { ...e.data, message: a, buildBranch: b, headCommit: c } };
    case 'build.started':
      return { ...e, data: { ...e.data, project: a, specPath: b, repoUrl: c } };
    case 'approval.requested':
      return { ...e, data: { ...e.data, planHash: a, deadline: b } };
    case 'build.budget_threshold':
      return { ...e, data: { ...e.data, spentUsd: a, budgetUsd: b } };
  }
}
