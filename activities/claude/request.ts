import Anthropic, { APIConnectionTimeoutError } from '@anthropic-ai/sdk';
import { cancellationSignal } from './activity-context';

/**
 * One Claude request, bounded as a whole by the client's timeout (anthropic.timeoutMs). The SDK's own
 * timeout covers the wait for the answer's headers only: an API that sent its headers and then stalled
 * the body held the request, and the agent attempt with it (its keep-alive heartbeats going on), until
 * the activity's 90-minute start-to-close (issue 27). Past the timeout the request is aborted and fails
 * as the SDK's timeout does (TIMEOUT; not answered, so its cost row stays unsettled: it may be billed).
 * The activity's cancellation still aborts it as a cancel.
 */
export async function createMessage(
  client: Anthropic,
  body: Anthropic.MessageCreateParamsNonStreaming,
): Promise<Anthropic.Message> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), client.timeout);
  const cancelled = cancellationSignal();
  const signal = cancelled ? AbortSignal.any([cancelled, timer.signal]) : timer.signal;
  try {
    return await client.messages.create(body, { signal });
  } catch (err) {
    if (timer.signal.aborted && !cancelled?.aborted)
      throw new APIConnectionTimeoutError({
        message: `the API did not finish its answer within ${client.timeout / 1000} s`,
      });
    throw err;
  } finally {
    clearTimeout(timeout);
  }
}
