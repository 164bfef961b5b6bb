/**
 * GitHub failures as typed SinkErrors with a hint. Built from the status, the headers and GitHub's
 * own message only: the request (and its authorization header) never enters the text.
 */
import { SinkError } from '../../lib/notify/plugin';

interface Masking {
  tokenEnv: string;
  mask: (text: string) => string;
}

interface ResponseLike {
  status?: number;
  headers?: Record<string, string | number | undefined>;
  data?: unknown;
}

export const PERMISSION_HINT =
  'it needs "Commit statuses: write" and "Pull requests: write" (a fine-grained token; "Contents: read" to ' +
  'find the branch head), or the "repo" scope (a classic token; "public_repo" for a public repository)';

function gitHubMessage(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 300);
  if (!data || typeof data !== 'object') return '';
  const d = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(d.errors)
    ? d.errors
        .map((e: unknown) =>
          typeof e === 'string' ? e : e && typeof e === 'object' && 'message' in e ? String(e.message) : '',
        )
        .filter(Boolean)
    : [];
  return [typeof d.message === 'string' ? d.message : '', ...details]
    .filter(Boolean)
    .join(': ')
    .slice(0, 500);
}

function isRateLimited(status: number, headers: ResponseLike['headers'], message: string): boolean {
  return (
    status === 429 ||
    (status === 403 &&
      (String(headers?.['x-ratelimit-remaining']) === '0' ||
        headers?.['retry-after'] !== undefined ||
        /rate limit/i.test(message)))
  );
}

export function isGitHubStatus(err: unknown, status: number): boolean {
  return !!err && typeof err === 'object' && (err as { status?: unknown }).status === status;
}

/** What `what` ("create the pull request in o/r") failed with, as a SinkError; the token masked. */
export function gitHubError(err: unknown, what: string, { tokenEnv, mask }: Masking): SinkError {
  if (err instanceof SinkError) return err;
  const e = (err ?? {}) as { name?: string; status?: unknown; response?: ResponseLike; message?: unknown };
  const make = (text: string, kind: SinkError['kind'], retryable: boolean, hint?: string) =>
    new SinkError(mask(`GitHub: could not ${what}: ${text}`), kind, retryable, hint && mask(hint));
  if (e.name === 'AbortError') return make('timed out (aborted)', 'unavailable', true);
  const status = typeof e.status === 'number' ? e.status : 0;
  if (!e.response) {
    const cause = typeof e.message === 'string' ? e.message.slice(0, 200) : 'no response';
    return make(
      `network error (${cause})`,
      'unavailable',
      true,
      'GitHub could not be reached; it is tried again',
    );
  }
  const message = gitHubMessage(e.response.data);
  const said = `${status}${message ? ` ${message}` : ''}`;
  if (status === 401)
    return make(
      said,
      'permission',
      false,
      `GitHub refused the token in ${tokenEnv} (expired, revoked or mistyped)`,
    );
  if (isRateLimited(status, e.response.headers, message)) {
    const after = e.response.headers?.['retry-after'];
    return make(said, 'rate-limited', true, `GitHub's rate limit${after ? `: retry after ${after} s` : ''}`);
  }
  if (status === 403)
    return make(said, 'permission', false, `the token in ${tokenEnv} may not do this: ${PERMISSION_HINT}`);
  if (status === 404)
    return make(
      said,
      'config',
      false,
      `check the repository ("repo: owner/name" in the sink's options) and that the token in ${tokenEnv} ` +
        'can see it (GitHub answers 404 to a token without access to a private repository)',
    );
  if (status === 409 || status === 410 || status === 422) return make(said, 'rejected', false);
  if (status >= 500) return make(said, 'unavailable', true, 'GitHub had an error; it is tried again');
  return make(said, 'rejected', false);
}

/** The same failure with a hint that knows more about what was being done. */
export function withHint(err: SinkError, hint: string): SinkError {
  return new SinkError(err.message, err.kind, err.retryable, hint);
}
