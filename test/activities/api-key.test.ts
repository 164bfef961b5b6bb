import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireApiKey } from '../../activities/api-key';
import { ApiKeyError, maskKey, redactKey } from '../../lib/apikey';

// Built at run time: no key-shaped literal is ever committed.
const fakeKey = () => ['sk', 'ant', 'api03', randomBytes(30).toString('base64url')].join('-');

describe('API key handling', () => {
  it('reads the key from the environment before .env', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-key-'));
    const envKey = fakeKey();
    writeFileSync(path.join(dir, '.env'), `ANTHROPIC_API_KEY=${fakeKey()}\n`);
    expect(requireApiKey({ env: { ANTHROPIC_API_KEY: envKey }, cwd: dir })).toEqual({
      key: envKey,
      source: 'environment',
    });
  });

  it('falls back to .env', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-key-'));
    const key = fakeKey();
    writeFileSync(path.join(dir, '.env'), `# local\nANTHROPIC_API_KEY="${key}"\n`);
    expect(requireApiKey({ env: {}, cwd: dir })).toEqual({ key, source: '.env' });
  });

  it('explains a missing key without printing anything secret', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-key-'));
    expect(() => requireApiKey({ env: {}, cwd: dir })).toThrow(/ANTHROPIC_API_KEY is not set/);
  });

  it('rejects an ill-formed key with a message that does not contain the key', () => {
    const bad = `sk-live-${randomBytes(24).toString('hex')}`;
    let error: unknown;
    try {
      requireApiKey({ env: { ANTHROPIC_API_KEY: bad }, cwd: os.tmpdir() });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiKeyError);
    const message = (error as Error).message;
    expect(message).toMatch(/does not look like an Anthropic API key/);
    expect(message).not.toContain(bad);
    expect(message).not.toContain(bad.slice(8, 20));
  });

  it('masks to the prefix and the last 4 characters, never more', () => {
    for (let i = 0; i < 50; i++) {
      const key = fakeKey();
      const masked = maskKey(key);
      expect(masked).toBe(`sk-ant-…${key.slice(-4)}`);
      const revealed = masked.replace('sk-ant-', '').replace('…', '');
      expect(revealed.length).toBeLessThanOrEqual(4);
    }
    expect(maskKey('short')).toBe('****');
    expect(maskKey('not-a-key-at-all-but-long-enough')).toBe('****');
  });

  it('redacts every occurrence of the key inside a library message', () => {
    const key = fakeKey();
    const text = `request failed: header x-api-key: ${key}; again ${key}`;
    const redacted = redactKey(text, key);
    expect(redacted).not.toContain(key);
    expect(redacted).toContain(maskKey(key));
  });
});
