/**
 * One Slack message per notification event: Block Kit blocks, and a text fallback (what the
 * notification and screen readers show). Pure. Every user-controlled string is escaped (slack-text.ts),
 * so a task title cannot mention @channel or forge a link, and every block is within Slack's limits.
 */
import { formatUsd } from '../usd';
import type { NotifyEvent } from './events';
import {
  code,
  escapeMrkdwn,
  fields,
  fitBlocks,
  linkOrCode,
  mrkdwn,
  plain,
  section,
  SLACK_LIMITS,
  type SlackBlock,
} from './slack-text';

export interface SlackLinks {
  status: string;
  webUi?: string;
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  /** A build's links need no previews in the channel. */
  unfurl_links: false;
  unfurl_media: false;
}

export function slackMessage(event: NotifyEvent, links: SlackLinks): SlackMessage {
  const { title, fallback, body } = content(event);
  const blocks = fitBlocks([
    { type: 'header', text: plain(title, SLACK_LIMITS.headerText) },
    ...body,
    footer(event, links),
  ]);
  return {
    text: mrkdwn(fallback, SLACK_LIMITS.fallbackText),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

interface Content {
  /** Plain text: the header. */
  title: string;
  /** Raw text: escaped by slackMessage. */
  fallback: string;
  body: SlackBlock[];
}

function content(event: NotifyEvent): Content {
  const id = event.buildId;
  switch (event.type) {
    case 'build.started': {
      const d = event.data;
      return {
        title: `:rocket: Build started: ${d.project}`,
        fallback: `Build ${id} started: ${d.tasks} tasks, budget ${usd(d.budgetUsd)}`,
        body: [
          fields([
            ['Tasks', escapeMrkdwn(String(d.tasks))],
            ['Budget', usd(d.budgetUsd)],
            ['Branch', `${code(d.buildBranch)} from ${code(d.baseBranch)}`],
            ['Spec', code(d.specPath)],
            ...(d.repoUrl ? [['Repository', code(d.repoUrl, 500)] as const] : []),
          ]),
        ],
      };
    }
    case 'approval.requested': {
      const d = event.data;
      const forecast = d.forecastUsd ? `${usd(d.forecastUsd.low)} – ${usd(d.forecastUsd.high)}` : 'none';
      const then = d.onTimeout === 'approve' ? 'it is approved' : 'the build is cancelled';
      const approve = `br build approve ${id}${d.gate === 'plan' ? ` --plan-hash ${d.planHash}` : ''}`;
      return {
        title: `:raised_hand: Approval needed: the ${d.gate} of ${id}`,
        fallback: `Build ${id} waits for approval of its ${d.gate} (${d.tasks} tasks, forecast ${forecast})`,
        body: [
          section(
            `Build ${id} waits for your approval of its ${d.gate}. Unanswered by ${d.deadline}, ${then}.`,
          ),
          fields([
            ['Tasks', escapeMrkdwn(String(d.tasks))],
            ['Forecast', escapeMrkdwn(forecast)],
            ['Plan hash', code(d.planHash)],
            ['Deadline', escapeMrkdwn(d.deadline)],
          ]),
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `Approve: ${code(approve, 500)}\nReject: ${code(`br build reject ${id} --reason "…"`, 500)}`,
            },
          },
        ],
      };
    }
    case 'task.succeeded': {
      const d = event.data;
      return {
        title: `:white_check_mark: Task succeeded: ${d.title}`,
        fallback: `Task ${d.taskId} of ${id} succeeded: ${d.title}`,
        body: [
          fields([
            ['Task', code(d.taskId)],
            ['Model', code(d.model)],
            ['Cost', usd(d.costUsd)],
            ...(d.commit ? [['Commit', code(d.commit.slice(0, 12))] as const] : []),
          ]),
        ],
      };
    }
    case 'task.failed': {
      const d = event.data;
      return {
        title: `:x: Task failed: ${d.title}`,
        fallback: `Task ${d.taskId} of ${id} failed (${d.failureClass}): ${d.title}`,
        body: [
          fields([
            ['Task', code(d.taskId)],
            ['Failure', code(d.failureClass)],
            ['Cost', usd(d.costUsd)],
          ]),
          codeBlock(d.message),
        ],
      };
    }
    case 'build.budget_threshold': {
      const d = event.data;
      const stop =
        d.threshold >= 100
          ? `\nNo new task starts until the budget is raised: ${code(`br build budget ${id} --raise <usd>`, 500)}`
          : '';
      return {
        title: `:moneybag: Budget ${d.threshold}% reached`,
        fallback: `Build ${id} has spent ${usd(d.spentUsd)} of its ${usd(d.budgetUsd)} budget (${d.threshold}%)`,
        body: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `Build ${code(id)} has spent ${usd(d.spentUsd)} of ${usd(d.budgetUsd)}.${stop}`,
            },
          },
        ],
      };
    }
    case 'build.finished': {
      const d = event.data;
      const t = d.tasks;
      return {
        title: `${OUTCOME_EMOJI[d.outcome] ?? ':checkered_flag:'} Build ${d.outcome.toLowerCase().replace(/_/g, ' ')}: ${id}`,
        fallback: `Build ${id} finished ${d.outcome}: ${t.succeeded}/${t.total} tasks succeeded, ${usd(d.spentUsd)}`,
        body: [
          fields([
            ['Outcome', escapeMrkdwn(d.outcome)],
            [
              'Tasks',
              escapeMrkdwn(
                `${t.succeeded}/${t.total} succeeded · ${t.failed} failed · ${t.blocked} blocked · ${t.cancelled} cancelled`,
              ),
            ],
            ['Spent', usd(d.spentUsd)],
            ['Duration', duration(d.durationMs)],
            ['Branch', `${code(d.buildBranch)} → ${code(d.baseBranch)}`],
            ...(d.headCommit ? [['Head', code(d.headCommit.slice(0, 12))] as const] : []),
          ]),
          ...(d.message.trim() ? [section(d.message)] : []),
        ],
      };
    }
  }
}

const OUTCOME_EMOJI: Record<string, string> = {
  SUCCEEDED: ':white_check_mark:',
  PARTIAL: ':large_yellow_circle:',
  FAILED: ':x:',
  CANCELLED: ':no_entry_sign:',
  BUDGET_EXHAUSTED: ':moneybag:',
};

function codeBlock(raw: string): SlackBlock {
  const fence = '```';
  const text = raw.trim() ? raw : '(no message)';
  const inner = mrkdwn(text.replace(/```/g, "'''"), SLACK_LIMITS.sectionText - 2 * fence.length - 2);
  return { type: 'section', text: { type: 'mrkdwn', text: `${fence}\n${inner}\n${fence}` } };
}

/** Links to the build and its id, under every message. */
function footer(event: NotifyEvent, links: SlackLinks): SlackBlock {
  const elements = [{ type: 'mrkdwn' as const, text: linkOrCode(links.status, 'Build status') }];
  if (links.webUi) elements.push({ type: 'mrkdwn', text: linkOrCode(links.webUi, 'Temporal Web UI') });
  elements.push({ type: 'mrkdwn', text: `${code(event.buildId)} · ${escapeMrkdwn(event.at)}` });
  return { type: 'context', elements };
}

/** Money crosses the boundary as decimal strings; one that is not shows as it came, escaped. */
function usd(amount: string): string {
  try {
    return formatUsd(amount);
  } catch {
    return escapeMrkdwn(amount);
  }
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${s % 60}s` : `${s}s`;
}
