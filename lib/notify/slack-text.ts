/**
 * Slack message text that is safe and within Slack's limits. Pure.
 *
 * Slack parses `<...>` in mrkdwn as mentions (`<!channel>`, `<@U123>`) and links (`<url|label>`), so
 * every piece of user-controlled text (task titles, failure messages, branch names) goes through
 * `mrkdwn()`, which escapes `&`, `<` and `>` as Slack asks, and cuts it visibly to a limit, never
 * inside an escape or a surrogate pair. Lengths are counted in UTF-16 units, which is never fewer
 * than the characters Slack counts.
 */

/** Block Kit's limits (api.slack.com/reference/block-kit/blocks): a payload over them is refused. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  /** The top-level `text`: Slack allows far more, but it is the one-line notification. */
  fallbackText: 3000,
} as const;

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: MrkdwnText; fields?: MrkdwnText[] }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' };

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeMrkdwn(raw: string): string {
  return raw.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

function omitted(count: number): string {
  return `… _(${count.toLocaleString('en-US')} more characters not shown)_`;
}

/**
 * `raw` escaped for mrkdwn, at most `max` long. When it does not fit, as much as fits and a visible
 * note of how much was left out.
 */
export function mrkdwn(raw: string, max: number): string {
  const whole = escapeMrkdwn(raw);
  if (whole.length <= max) return whole;
  // Reserve room for the note at its longest (every remaining character counted).
  const budget = max - omitted(raw.length).length - 1;
  let out = '';
  let used = 0;
  for (const ch of raw) {
    const piece = ENTITIES[ch] ?? ch;
    if (out.length + piece.length > budget) break;
    out += piece;
    used += ch.length;
  }
  return `${out}\n${omitted(raw.length - used)}`;
}

/** Plain text (headers): Slack parses no mentions or links in it; one line, cut with "…". */
export function plain(raw: string, max: number): PlainText {
  const line = raw.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return { type: 'plain_text', text: line, emoji: true };
  let out = '';
  for (const ch of line) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return { type: 'plain_text', text: `${out}…`, emoji: true };
}

/** Inline code: the text escaped, backticks (which would end the span) shown as quotes. */
export function code(raw: string, max = 200): string {
  return `\`${mrkdwn(raw.replace(/`/g, "'").replace(/\s+/g, ' '), max)}\``;
}

/**
 * A Slack link when `target` is an http(s) URL Slack can carry, else the text as inline code (a
 * command such as `br build status <id>`). Links come from the worker's configuration, not from the
 * build, but a `|` or `>` would still break the link syntax, so such a URL is shown as code.
 */
export function linkOrCode(target: string, label: string): string {
  if (/^https?:\/\/[^\s<>|]+$/.test(target) && target.length <= 2000) {
    return `<${target.replace(/&/g, '&amp;')}|${escapeMrkdwn(label)}>`;
  }
  return `${escapeMrkdwn(label)}: ${code(target, 500)}`;
}

export function section(raw: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(raw, SLACK_LIMITS.sectionText) } };
}

/** A section of label/value fields; values are mrkdwn already escaped by the caller. */
export function fields(pairs: ReadonlyArray<readonly [string, string]>): SlackBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, SLACK_LIMITS.fields).map(([label, value]) => ({
      type: 'mrkdwn',
      text: clip(`*${escapeMrkdwn(label)}*\n${value}`, SLACK_LIMITS.fieldText),
    })),
  };
}

/** Cut already-escaped mrkdwn without splitting an escape: the callers' pieces are short. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '');
  return `${cut}…`;
}

/**
 * At most 50 blocks: past that, the first 49 and a context block saying how many were left out, so a
 * payload is never refused for its length and the cut shows.
 */
export function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  const left = blocks.length - kept.length;
  return [
    ...kept,
    { type: 'context', elements: [{ type: 'mrkdwn', text: `_${left} more blocks not shown_` }] },
  ];
}
