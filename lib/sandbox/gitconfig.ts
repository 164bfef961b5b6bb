import { secretSpans } from '../secrets/scan';

/**
 * The copy of a repository's git config that the sandbox sees in place of the real one: everything
 * git status, diff and commit need, without anything that authenticates to a server. The worker's
 * own git, outside the sandbox, keeps reading the real file.
 *
 * Dropped: credential helpers and their settings, `http.*` headers, cookies and client keys (where
 * actions/checkout leaves an `AUTHORIZATION: basic …` header), `url.*` rewrites (their section
 * name is a URL that may carry a token), includes (files the sandbox cannot vet), and any key whose
 * name says token/password/secret or whose value the secret scanner flags. URLs keep everything but
 * their user and password.
 */

const DROPPED_SECTIONS = new Set(['credential', 'url', 'include', 'includeif']);
const DROPPED_HTTP_KEYS =
  /^(?:extraheader|cookiefile|sslkey|sslcert|sslcertpasswordprotected|proxy|proxyauthmethod|proxysslkey|proxysslcert|emptyauth)$/;
const SECRET_KEY = /token|passw|secret|credential|auth|cookie|private|apikey|api_key/;

/** `scheme://user:password@host/…` → `scheme://host/…`. */
export function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1');
}

interface Entry {
  section: string;
  subsection: string | null;
  key: string;
  value: string | null;
}

/** Parses `git config --list --null` output: `name\nvalue\0`, or `name\0` for a bare boolean. */
export function parseConfigList(output: string): Entry[] {
  const entries: Entry[] = [];
  for (const record of output.split('\0')) {
    if (!record) continue;
    const nl = record.indexOf('\n');
    const name = nl === -1 ? record : record.slice(0, nl);
    const value = nl === -1 ? null : record.slice(nl + 1);
    const first = name.indexOf('.');
    const last = name.lastIndexOf('.');
    if (first === -1) continue;
    entries.push({
      section: name.slice(0, first).toLowerCase(),
      subsection: first === last ? null : name.slice(first + 1, last),
      key: name.slice(last + 1).toLowerCase(),
      value,
    });
  }
  return entries;
}

function keep(e: Entry): Entry | null {
  if (DROPPED_SECTIONS.has(e.section)) return null;
  if (e.section === 'http' && DROPPED_HTTP_KEYS.test(e.key)) return null;
  if (
    SECRET_KEY.test(e.key) ||
    (e.subsection !== null &&
      e.section !== 'remote' &&
      e.section !== 'branch' &&
      SECRET_KEY.test(e.subsection.toLowerCase()))
  )
    return null;
  if (e.value === null) return e;
  const value = withoutUserinfo(e.value);
  if (secretSpans(value, { ignoreInlineComments: true }).length > 0) return null;
  const subsection = e.subsection === null ? null : withoutUserinfo(e.subsection);
  return { ...e, subsection, value };
}

const quote = (s: string) =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;

/** The sanitised config file's text, from `git config --file <config> --list --null` of the real one. */
export function sanitizedGitConfig(listOutput: string): string {
  const lines: string[] = [];
  let header = '';
  for (const raw of parseConfigList(listOutput)) {
    const e = keep(raw);
    if (!e) continue;
    // Section names are letters, digits, `-` and `.`; anything else cannot come from a valid file.
    if (!/^[a-z0-9.-]+$/.test(e.section) || !/^[a-z][a-z0-9-]*$/.test(e.key)) continue;
    const h =
      e.subsection === null
        ? `[${e.section}]`
        : `[${e.section} "${e.subsection.replace(/\n/g, '').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
    if (h !== header) lines.push((header = h));
    lines.push(e.value === null ? `\t${e.key}` : `\t${e.key} = ${quote(e.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
