import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../lib/config';
import { loadConfig } from '../../services/config-file';
import { DEFAULT_CATALOG, priceUsage } from '../../lib/models';

function tempDirWith(config: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'br-config-'));
  writeFileSync(
    path.join(dir, 'buildrunner.config.json'),
    typeof config === 'string' ? config : JSON.stringify(config),
  );
  return dir;
}

describe('configuration', () => {
  it('fills every default when there is no config file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'br-config-'));
    const { config, file } = loadConfig({ cwd: dir, env: {} });
    expect(file).toBeNull();
    expect(config.parallel).toBe(4);
    expect(config.budget.alertThresholds).toEqual([0.5, 0.8, 1]);
    expect(config.retention.days).toBe(30);
    expect(config.models.models.map((m) => m.tier)).toEqual(['haiku', 'sonnet', 'opus']);
    expect(config.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
  });

  it('names the field and the expected shape for a bad value', () => {
    const dir = tempDirWith({ parallel: 'four', budget: { alertThresholds: [0.8, 0.5] } });
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(ConfigError);
    try {
      loadConfig({ cwd: dir, env: {} });
    } catch (err) {
      const issues = (err as ConfigError).issues;
      expect(issues).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^parallel: .*number/),
          expect.stringMatching(/^budget\.alertThresholds: expected increasing fractions/),
        ]),
      );
    }
  });

  it('rejects unknown keys, naming them and where they are', () => {
    expect(() => parseConfig({ temporal: { adress: 'x:7233' } })).toThrow(
      /temporal: unknown key\(s\) "adress"/,
    );
  });

  it('names the model field when a price is not a decimal string', () => {
    const models = structuredClone(DEFAULT_CATALOG);
    (models.models[1]!.prices as { input: unknown }).input = 3;
    expect(() => parseConfig({ models })).toThrow(/models\.models\[1\]\.prices\.input: /);
  });

  it('reports a file that is not JSON with its path', () => {
    const dir = tempDirWith('{ "parallel": 2, }');
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/buildrunner\.config\.json is not valid JSON/);
  });

  it('lets environment variables override the file', () => {
    const dir = tempDirWith({ temporal: { address: 'file:7233' } });
    const { config } = loadConfig({
      cwd: dir,
      env: {
        TEMPORAL_ADDRESS: 'env:7233',
        DATABASE_URL: 'postgresql://u@h/db',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      },
    });
    expect(config.temporal.address).toBe('env:7233');
    expect(config.database.url).toBe('postgresql://u@h/db');
    expect(config.anthropic.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('finds the config file in a parent folder', () => {
    const dir = tempDirWith({ parallel: 7 });
    const nested = mkdtempSync(path.join(dir, 'sub-'));
    const loaded = loadConfig({ cwd: nested, env: {} });
    expect(loaded.config.parallel).toBe(7);
    expect(loaded.root).toBe(dir);
  });
});

describe('pricing', () => {
  it('prices every token kind exactly in decimal', () => {
    const usd = priceUsage(DEFAULT_CATALOG, 'claude-sonnet-5-5', {
      inputTokens: 1234,
      outputTokens: 567,
      cacheWriteTokens: 8900,
      cacheReadTokens: 12345,
    });
    // 1234×2 + 567×10 + 8900×2.5 + 12345×0.2 = 2468 + 5670 + 22250 + 2469 = 32857 µ$ → 0.032857
    expect(usd.toString()).toBe('0.032857');
  });

  it('applies the long-context band to the whole request above the threshold', () => {
    const usage = { inputTokens: 100_001, outputTokens: 1000, cacheWriteTokens: 0, cacheReadTokens: 0 };
    expect(priceUsage(DEFAULT_CATALOG, 'claude-haiku-5-5', usage).toString()).toBe('0.0525005');
    const under = { ...usage, inputTokens: 100_000 };
    expect(priceUsage(DEFAULT_CATALOG, 'claude-haiku-5-5', under).toString()).toBe('0.0105');
  });

  it('matches a dated model id to its alias and fails closed on an unknown model', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
    expect(priceUsage(DEFAULT_CATALOG, 'claude-opus-5-5-20260601', usage).toString()).toBe('4');
    expect(() => priceUsage(DEFAULT_CATALOG, 'gpt-9', usage)).toThrow(/not in the price table/);
  });
});

describe('br config show', () => {
  it('prints the effective configuration with the key and the database password masked', async () => {
    const { runBr } = await import('../helpers/cli');
    const { randomBytes } = await import('node:crypto');
    const key = ['sk', 'ant', 'api03', randomBytes(30).toString('base64url')].join('-');
    const dir = tempDirWith({ parallel: 3 });
    const result = await runBr(['config', 'show', '--json'], {
      cwd: dir,
      // br-ignore-secret: a fake password, to check that it is masked
      env: { ANTHROPIC_API_KEY: key, DATABASE_URL: 'postgresql://br:s3cretpass@db.internal:5432/br' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain('s3cretpass');
    const shown = JSON.parse(result.stdout) as {
      apiKey: { masked: string };
      config: { parallel: number; database: { url: string } };
    };
    expect(shown.apiKey.masked).toBe(`sk-ant-…${key.slice(-4)}`);
    expect(shown.config.parallel).toBe(3);
    expect(shown.config.database.url).toBe('postgresql://br:****@db.internal:5432/br');
  });
});
