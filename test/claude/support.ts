import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type BuildRunnerConfig } from '../../lib/config';

/** A key built at run time, so no key-shaped literal lives in the repository. */
export function makeTestKey(): string {
  return 'sk-ant-' + 'api03-' + randomBytes(24).toString('hex');
}

export function testConfig(baseUrl: string, overrides: Record<string, unknown> = {}): BuildRunnerConfig {
  return parseConfig({ anthropic: { baseUrl, timeoutMs: 1000 }, ...overrides });
}

export function tempDir(prefix = 'br-claude-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The ApplicationFailure a promise rejects with (fails the test when it resolves or throws something else). */
export { failureOf } from '../helpers/failure';
