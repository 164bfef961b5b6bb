import Anthropic from '@anthropic-ai/sdk';
import type { BuildRunnerConfig } from '../../lib/config';

/**
 * The one place an Anthropic client is built. The key comes from the worker process (activities/api-key.ts)
 * and stays inside this object: it is sent only as the x-api-key header.
 */
export function createAnthropicClient(config: BuildRunnerConfig, apiKey: string): Anthropic {
  return new Anthropic({
    apiKey,
    // Passed explicitly so the SDK never falls back to reading other credentials or profiles.
    baseURL: config.anthropic.baseUrl ?? 'https://api.anthropic.com',
    timeout: config.anthropic.timeoutMs,
    // The workflow owns retries: it must see every failed attempt to choose wait, fallback or stop.
    maxRetries: 0,
    // SDK debug logs print request options; nothing from this client reaches a log.
    logLevel: 'off',
  });
}
