import { passHeaders } from '../../../../activities/claude/code/proxy-http';

describe('the one header filter of the metering proxy', () => {
  it.each([
    ['request', 'x-api-key', false],
    ['request', 'Authorization', false],
    ['request', 'host', false],
    ['request', 'accept-encoding', false],
    ['request', 'connection', false],
    ['request', 'anthropic-version', true],
    ['request', 'content-type', true],
    ['response', 'content-encoding', false],
    ['response', 'transfer-encoding', false],
    ['response', 'content-length', false],
    ['response', 'retry-after', true],
    ['response', 'request-id', true],
  ] as const)('%s header %s crosses: %s', (direction, name, crosses) => {
    expect(name in passHeaders([[name, 'v']], direction)).toBe(crosses);
  });

  it('drops repeated request headers that arrive as arrays', () => {
    expect(passHeaders([['cookie', ['a', 'b']]], 'request')).toEqual({});
  });
});
