/**
 * The environment and output of child processes that run repository code: the agent's commands, the
 * verification command and the git hooks of task commits and merges. That code was written by the
 * model, so it must not see the worker's secrets, and what it prints ends up in failure details (and so
 * in the Temporal history), so anything shaped like an Anthropic key is masked there too.
 */

const SECRET_NAME =
  /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|SESSION|COOKIE|DATABASE_URL|_DSN$|_PAT$/i;

export function scrubEnv(env: NodeJS.ProcessEnv, apiKey?: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET_NAME.test(name) || name.startsWith('ANTHROPIC_')) continue;
    if (value.includes('sk-ant-') || (apiKey && value.includes(apiKey))) continue;
    out[name] = value;
  }
  return out;
}

const ANTHROPIC_KEY = /sk-ant-[A-Za-z0-9_-]{8,}/g;

/** Masks every Anthropic-key-shaped token (prefix and last 4 characters stay, like maskKey). */
export function redactKeys(text: string): string {
  return text.replace(ANTHROPIC_KEY, (k) => `sk-ant-…${k.slice(-4)}`);
}
