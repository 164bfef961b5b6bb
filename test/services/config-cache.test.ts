import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig, type BuildRunnerConfig } from '../../lib/config';
import { cachedConfig, writeSchemaStamp } from '../../services/config-cache';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'br-config-cache-'));

function counting(input: Record<string, unknown>) {
  const calls = { n: 0 };
  return { calls, parse: (): BuildRunnerConfig => (calls.n++, parseConfig(input, 'test')) };
}

describe('the validated-configuration cache', () => {
  const input = {
    parallel: 7,
    database: { url: 'postgresql://br:hunter2@db.example:5432/br' },
    temporal: { address: 'temporal.example:7233' },
  };

  it('gives what validation gives, and validates once per input and stamp', () => {
    const dir = tmp();
    const first = counting(input);
    const fresh = cachedConfig(input, 'test', { stamp: 'a', dir }, first.parse);
    const second = counting(input);
    const cached = cachedConfig(input, 'test', { stamp: 'a', dir }, second.parse);
    expect(first.calls.n).toBe(1);
    expect(second.calls.n).toBe(0);
    expect(cached).toEqual(parseConfig(input, 'test'));
    expect(fresh).toEqual(cached);

    const otherStamp = counting(input);
    cachedConfig(input, 'test', { stamp: 'b', dir }, otherStamp.parse);
    expect(otherStamp.calls.n).toBe(1);
    const changed = { ...input, parallel: 8 };
    const otherInput = counting(changed);
    expect(cachedConfig(changed, 'test', { stamp: 'a', dir }, otherInput.parse).parallel).toBe(8);
    expect(otherInput.calls.n).toBe(1);
  });

  it('never writes the database URL (a password) and puts it back from the input', () => {
    const dir = tmp();
    cachedConfig(input, 'test', { stamp: 'a', dir }, counting(input).parse);
    const [file] = readdirSync(dir);
    const text = readFileSync(path.join(dir, file!), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('temporal.example');
    expect(statSync(path.join(dir, file!)).mode & 0o077).toBe(0);
    const again = cachedConfig(input, 'test', { stamp: 'a', dir }, counting(input).parse);
    expect(again.database.url).toBe(input.database.url);
    expect(again.temporal.address).toBe('temporal.example:7233');
  });

  it('keeps no invalid configuration: each load reports it', () => {
    const dir = tmp();
    const bad = { parallel: 'four' };
    const load = () => cachedConfig(bad, 'test', { stamp: 'a', dir }, () => parseConfig(bad, 'test'));
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(ConfigError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stamps the compiled schema: another module under lib/ gives another stamp', () => {
    const lib = tmp();
    writeFileSync(path.join(lib, 'config.js'), 'exports.a = 1;');
    const one = writeSchemaStamp(lib);
    expect(readFileSync(path.join(lib, 'config-schema.stamp'), 'utf8').trim()).toBe(one);
    expect(writeSchemaStamp(lib)).toBe(one);
    writeFileSync(path.join(lib, 'config.js'), 'exports.a = 2;');
    expect(writeSchemaStamp(lib)).not.toBe(one);
  });
});
