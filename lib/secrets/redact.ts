import { encodedForms, encodedSecretSpans, type Span } from './encoded';
import { maskSecret } from './mask';
import { secretSpans } from './scan';

/**
 * Masks what must never reach the model, a history, an event or a log: every span the secret scanner
 * recognises (inline `br-ignore-secret` comments do not apply here: that is for files, not output),
 * every literal value the caller knows to be secret (the worker's own credentials) and its encoded
 * forms (hex, percent, base64 at any alignment), and every encoded run (base64, hex, percent, nested)
 * whose decoding holds either. Linear in the text: spans are sorted once and masked in one pass.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  const values = known.filter((v) => v.length >= 8);
  const literals = [...new Set([...values, ...values.flatMap(encodedForms)])];
  for (const value of literals.sort((a, b) => b.length - a.length))
    if (out.includes(value)) out = out.split(value).join(maskSecret(value));
  const spans = merge([
    ...secretSpans(out, { ignoreInlineComments: true }),
    ...encodedSecretSpans(out, values),
  ]);
  if (spans.length === 0) return out;
  let result = '';
  let pos = 0;
  for (const span of spans) {
    result += out.slice(pos, span.start) + maskSecret(out.slice(span.start, span.end));
    pos = span.end;
  }
  return result + out.slice(pos);
}

/** Overlapping spans joined into one, sorted: a secret inside an encoded run masks the whole run. */
function merge(spans: Span[]): Span[] {
  const sorted = spans.sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
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
