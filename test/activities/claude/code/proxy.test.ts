import {
  isModelCall,
  startMeteringProxy,
  type ProxiedMessage,
} from '../../../../activities/claude/code/proxy';
import { reply, startFakeAnthropic } from '../../../fixtures/anthropic-server';
import { makeTestKey } from '../../../fixtures/claude';

describe('the claude-code engine’s metering proxy', () => {
  it.each([
    ['POST', '/v1/messages', true],
    ['POST', '/v1/messages?beta=true', true],
    ['POST', '/v1/messages/count_tokens', false],
    ['GET', '/v1/models', false],
  ])('%s %s is a model call: %p', (method, path, expected) => {
    expect(isModelCall(method, path)).toBe(expected);
  });

  it('meters model calls, sets the key and the model, and lets other endpoints fail without deciding the attempt', async () => {
    const server = await startFakeAnthropic();
    const key = makeTestKey();
    const seen: ProxiedMessage[] = [];
    const proxy = await startMeteringProxy({
      upstream: server.url,
      apiKey: key,
      model: 'claude-sonnet-5-5',
      onMessage: async (m) => void seen.push(m),
    });
    try {
      const other = await fetch(`${proxy.url}/v1/models`, { headers: { 'x-api-key': 'placeholder' } });
      expect(other.status).toBe(404);
      expect(proxy.error()).toBeUndefined();

      server.enqueue(reply('hi', { usage: { input_tokens: 7, output_tokens: 3 } }));
      const answer = await fetch(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'placeholder' },
        body: JSON.stringify({ model: 'claude-haiku-5-5', stream: true, max_tokens: 10, messages: [] }),
      });
      expect(await answer.text()).toContain('event: message_stop');
      expect(seen).toEqual([
        {
          id: expect.stringMatching(/^msg_fake_/),
          model: 'claude-sonnet-5-5',
          path: '/v1/messages',
          usage: expect.objectContaining({ input_tokens: 7, output_tokens: 3 }),
        },
      ]);
      const sent = server.requests.at(-1)!;
      expect(sent.body.model).toBe('claude-sonnet-5-5');
      expect(sent.headers['x-api-key']).toBe(key);
      expect(sent.headers.authorization).toBeUndefined();

      proxy.stop('budget spent');
      const refused = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', body: '{}' });
      expect(refused.status).toBe(400);
      expect(server.requests.filter((r) => r.path.startsWith('/v1/messages'))).toHaveLength(1);
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});
