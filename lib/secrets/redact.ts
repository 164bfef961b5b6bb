import { maskSecret } from './mask';
import { secretSpans } from './scan';

/**
 * Masks what must never reach the model, a history, an event or a log: every span the secret scanner
 * recognises (inline `br-ignore-secret` comments do not apply here: that is for files, not output), and
 * every literal value the caller knows to be secret (the worker's own credentials).
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const value of [...known].sort((a, b) => b.length - a.length))
    if (value.length >= 8) out = out.split(value).join(maskSecret(value));
  const spans = secretSpans(out, { ignoreInlineComments: true });
  if (spans.length === 0) return out;
  let result = '';
  let pos = 0;
  for (const span of spans.sort((a, b) => a.start - b.start)) {
    if (span.start < pos) continue;
    result += out.slice(pos, span.start) + maskSecret(out.slice(span.start, span.end));
    pos = span.end;
  }
  return result + out.slice(pos);
}

const SECRET_NAME =
  /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|SESSION|COOKIE|DATABASE_URL|_DSN$|_PAT$/i;

/**
 * Values of the worker's environment that are credentials by their name, and passwords inside any URL
 * value: masked wherever they show up in output, whatever their format.
 */
export function secretValuesOf(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 8) continue;
    if (SECRET_NAME.test(name) || name.startsWith('ANTHROPIC_')) values.push(value);
    // A password inside any URL leaks on its own too (`redis://:pw@host` printed in an error).
    const pw = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@\s]+)@/i.exec(value)?.[1];
    if (pw && pw.length >= 6) values.push(decodeURIComponent(pw));
  }
  return values;
}
