import { MINIMAL_ENV, DEFAULT_PATH } from '../../../lib/sandbox/policy';
import { PLACEHOLDER_KEY } from './proxy';

/**
 * The Claude Code process's whole environment: an allow-list (the SDK replaces the child's environment
 * with exactly this). No worker variable reaches it besides the locale; its home and configuration are
 * fresh folders of this attempt, so nothing of the user's own Claude Code setup (settings, CLAUDE.md,
 * hooks, MCP servers, credentials) applies; the API is the attempt's metering proxy, with a placeholder key.
 */
export function claudeCodeEnv(options: {
  workerEnv: NodeJS.ProcessEnv;
  home: string;
  proxyUrl: string;
  model: string;
  timeoutMs: number;
  /** Output tokens per answer, as the builtin loop's max_tokens. */
  maxOutputTokens: number;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of MINIMAL_ENV) {
    const v = options.workerEnv[name];
    if (v !== undefined) env[name] = v;
  }
  return {
    ...env,
    PATH: DEFAULT_PATH,
    HOME: options.home,
    TMPDIR: `${options.home}/tmp`,
    CLAUDE_CONFIG_DIR: `${options.home}/.claude`,
    ANTHROPIC_BASE_URL: options.proxyUrl,
    ANTHROPIC_API_KEY: PLACEHOLDER_KEY,
    // The workflow owns retries and fallback: Claude Code must surface every API error at once.
    CLAUDE_CODE_MAX_RETRIES: '0',
    API_TIMEOUT_MS: String(options.timeoutMs),
    CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(options.maxOutputTokens),
    // Every model slot is the attempt's model: model changes are the workflow's fallback decisions.
    ANTHROPIC_MODEL: options.model,
    ANTHROPIC_SMALL_FAST_MODEL: options.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: options.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: options.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: options.model,
    // No telemetry, error reports, update checks or other calls besides the model's.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_AGENT_SDK_CLIENT_APP: 'buildrunner',
  };
}
