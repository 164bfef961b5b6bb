import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../../activities/notify/sinks/slack';
import {
  httpError,
  maskUrl,
  requestError,
  slackCode,
  SlackOutcomeUnknown,
} from '../../../activities/notify/sinks/slack-errors';
import { SinkError } from '../../../lib/notify/plugin';

describe('Slack error helpers', () => {
  it('names the system error of a failed request from its causes, not from their messages', () => {
    const url = 'https://hooks.slack.com/services/T1/B1/abcSECRETabc';
    const cause = Object.assign(new Error(`connect ECONNREFUSED for ${url}`), { code: 'ECONNREFUSED' });
    const error = requestError(new TypeError('fetch failed', { cause }), false) as SinkError;
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(error.message).toBe('Slack could not be reached (ECONNREFUSED)');
    expect(`${error.message} ${error.hint}`).not.toContain('abcSECRETabc');
  });

  it('calls a broken connection or a stop mid-request an unknown outcome, not a SinkError', () => {
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    for (const error of [requestError(reset, false), requestError(new Error('aborted'), true)]) {
      expect(error).toBeInstanceOf(SlackOutcomeUnknown);
      expect(error).not.toBeInstanceOf(SinkError);
      expect(error.message).toContain('may have been posted');
    }
    const refused = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    expect(requestError(refused, false)).toBeInstanceOf(SinkError);
  });

  it('reads only a short code from a body, never echoes a page', () => {
    expect(slackCode('channel_is_archived\n')).toBe('channel_is_archived');
    expect(slackCode('<html>https://hooks.slack.com/services/T1/B1/x</html>')).toBeUndefined();
    expect(httpError(502, '<html>gateway</html>').message).toBe('Slack answered HTTP 502');
    expect(httpError(413, 'request_too_large')).toMatchObject({ kind: 'rejected', retryable: false });
  });

  it('masks the URL and its secret path in any text', () => {
    const url = 'https://hooks.slack.com/services/T1/B1/abcSECRETabc';
    expect(maskUrl(`POST ${url} failed; path /services/T1/B1/abcSECRETabc`, url)).toBe(
      'POST [webhook URL] failed; path [webhook path]',
    );
  });

  it('reads Retry-After as seconds or as an HTTP date, 1 s when absent', () => {
    expect(retryAfterMs('3')).toBe(3000);
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterMs('Mon, 07 Dec 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('soon')).toBe(1000);
    // A hostile or broken relay cannot silence the hook until the worker restarts.
    expect(retryAfterMs('86400')).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('9'.repeat(400))).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});
