/**
 * The failure catalog: for every FailureClass, what causes it, what BuildRunner does about it and
 * what the user can do next. The CLI (text and --json), the services and the build's BUILD_FAILED
 * record all read this one table, so the same failure reads the same everywhere; the README's
 * catalog is this table, and test/lib/failure-catalog.test.ts holds the retry column to the code.
 */
import { FailureClass, isFailureClass } from './failures';

/**
 * What happens after a task's try fails with the class (workflows/core/fallback.ts):
 * `retry` the same model after a wait, `fallback` to a repair or another model, `wait` for the
 * build's breaker (raise the budget or resume), `stop` at once: no retry, wait or model helps.
 */
export type FailurePolicy = 'retry' | 'fallback' | 'wait' | 'stop';

export interface FailureEntry {
  cause: string;
  policy: FailurePolicy;
  /** What BuildRunner does, in words. */
  action: string;
  /** What to do next. */
  hint: string;
}

export const FAILURE_CATALOG: Record<FailureClass, FailureEntry> = {
  RATE_LIMITED: {
    cause: 'The Anthropic API answered 429 with retry-after.',
    policy: 'retry',
    action: 'Waits retry-after, then tries the same model (not counted as an attempt, up to 6 times).',
    hint: 'Nothing to do; if it happens often, lower --parallel or ask Anthropic for a higher rate limit.',
  },
  QUOTA_EXHAUSTED: {
    cause: 'The organisation reached a spend, credit or usage limit (402, or 429 without retry-after).',
    policy: 'wait',
    action: 'Trips the build breaker: no task starts until resumed or cancelled.',
    hint: 'Raise the spend limit in the Anthropic console, then `br build resume <id>`.',
  },
  OVERLOADED: {
    cause: 'The Anthropic API is overloaded (529).',
    policy: 'fallback',
    action:
      'On one model: waits with backoff, then switches to another (same tier first, then stronger). On every model tried (an outage): waits on the first model, counting no attempt, up to anthropic.outageWaitMinutes.',
    hint: 'Nothing to do; the build carries on when the API recovers.',
  },
  SERVER_ERROR: {
    cause: 'The Anthropic API failed with a 5xx or 409.',
    policy: 'retry',
    action:
      'Waits with backoff (5 s doubling, at most 2 min), then tries the same model; a streak of them (an outage) counts no attempt, up to anthropic.outageWaitMinutes.',
    hint: 'Nothing to do; if it persists, check status.anthropic.com.',
  },
  CONTEXT_TOO_LONG: {
    cause: "The prompt exceeds the model's context window.",
    policy: 'fallback',
    action: 'Switches to a model with a larger context window; stops if there is none.',
    hint: 'Split the task into smaller ones in the spec, or add a larger-context model to `models`.',
  },
  INVALID_REQUEST: {
    cause: 'The API rejected the request (400), or an activity got an input it refuses.',
    policy: 'stop',
    action: 'Stops the task.',
    hint: 'Read the message; if it names no setting of yours, report it as a bug with `br build logs <id>`.',
  },
  AUTH: {
    cause: 'The API key is missing, rejected or lacks permission (401/403).',
    policy: 'stop',
    action: 'Stops the task.',
    hint: 'Set a valid ANTHROPIC_API_KEY where `br worker` runs (check it with `br doctor`), then start the build again.',
  },
  TIMEOUT: {
    cause: 'The API call or the activity timed out (no heartbeat, or past its deadline).',
    policy: 'fallback',
    action: 'Switches to a faster model; without one, retries the same model once, then stops.',
    hint: 'Split large tasks in the spec; check that workers are alive with `br doctor`.',
  },
  NETWORK: {
    cause: 'The worker could not reach the Anthropic API.',
    policy: 'retry',
    action: 'Waits with backoff, then tries the same model.',
    hint: "Check the worker's network and ANTHROPIC_BASE_URL / anthropic.baseUrl.",
  },
  HOOK_REJECTED: {
    cause: "A git hook of the repository rejected the task's commit.",
    policy: 'fallback',
    action: "One repair attempt with the hook's output, then a stronger model.",
    hint: 'Read the hook output with `br build logs <id> --task <task>`; relax the hook if it is wrong.',
  },
  VERIFICATION_FAILED: {
    cause: 'The verification command (agent.verifyCommand) failed or timed out.',
    policy: 'fallback',
    action: 'One repair attempt with the command output, then a stronger model.',
    hint: 'Run agent.verifyCommand on the build branch yourself; fix it there if it fails without the task too.',
  },
  QUALITY_GATE_FAILED: {
    cause:
      "The task's change did not pass quality.gate: its score on the changed lines is under the threshold, or a required sub-score is.",
    policy: 'fallback',
    action: "One repair attempt with the gate's findings, then a stronger model.",
    hint: 'Read the findings with `br build logs <id> --task <task>`; run `br quality gate --base <commit>` in a checkout to see them, or relax quality.gate.',
  },
  CONFIG_CHANGED_BY_TASK: {
    cause:
      "The task's change touched buildrunner.config.json, which decides the hooks, verification and sandbox limits its own work is checked by.",
    policy: 'fallback',
    action: 'Refuses the commit; one repair attempt told to leave the file unchanged, then a stronger model.',
    hint: 'If the project needs a different configuration, change buildrunner.config.json yourself on the base branch, then start the build again.',
  },
  MERGE_CONFLICT: {
    cause:
      "The task's change cannot be merged into the build branch: another task changed the same lines, and resolving the conflict failed.",
    policy: 'retry',
    action:
      "First Claude resolves the conflict in the merge worktree (not an attempt; the hooks and the verification must pass). If that fails, redoes the task on the updated build branch (counts as an attempt): it waits for the running attempts that could change the file before its merge, none starts beside it, and other tasks' resolutions wait until it has merged, so it cannot conflict again. Since nobody knows which other tasks touch that file, once its resolutions fail at least as often as they succeed, the build's later attempts run one at a time, also after the build continues as new. Measured (bench/results-conflicts.md, 6 and 12 tasks sharing a file): no task failed, at most one redo per task; with every resolution failing, the makespan of parallel 3 and 8 was 1.00× that of parallel 1, except 1.09× for 6 tasks at parallel 8 (all start at once; no schedule that learns from the conflicts can do better than 1.04× there).",
    hint: 'Nothing to do. If a task still fails with it, its change and the other task\'s cannot both be kept: say in the spec which one comes first ("Depends on:").',
  },
  AGENT_INCOMPLETE: {
    cause: 'The agent stopped without finishing: max turns, max tokens or its budget share spent.',
    policy: 'fallback',
    action: 'A larger budget share when the share ran out, otherwise a stronger model.',
    hint: 'Split the task in the spec, or raise agent.maxTurns or the budget (`br build budget <id> --raise`).',
  },
  INVALID_PLAN: {
    cause: 'The plan has a dependency cycle, an unknown dependency or a duplicate task id.',
    policy: 'stop',
    action: 'Ends the build FAILED before any task runs.',
    hint: 'Fix the "Depends on:" lines in the spec; `br plan <spec>` shows the plan without starting a build.',
  },
  BASE_BRANCH_MISSING: {
    cause: 'The base branch of the build does not exist in the repository.',
    policy: 'stop',
    action: '`br build start` refuses; if it disappears later, the build ends FAILED after one attempt.',
    hint: 'List branches with `git branch --list`, then start again with `br build start <spec> --base <branch>`.',
  },
  TASK_BRANCH_MISSING: {
    cause: "A task's branch (br/tasks/…) was deleted while the build ran.",
    policy: 'stop',
    action: 'Stops the task; its dependants are blocked.',
    hint: 'Do not delete br/tasks/… branches of a running build; start the build again to redo the task.',
  },
  BRANCH_CHECKED_OUT: {
    cause:
      'The build branch br/<build> is checked out in a checkout of yours, where BuildRunner does not merge.',
    policy: 'stop',
    action: 'Stops the task.',
    hint: 'Switch that checkout to another branch (`git switch <branch>`), then start the build again.',
  },
  SPEC_MISSING: {
    cause: 'The spec file is not where the build (or the worker) looks for it.',
    policy: 'stop',
    action: '`br build start` refuses; on the worker, the build ends FAILED after one attempt.',
    hint: 'Pass the path of the spec inside the repository, e.g. `br build start PROJECT_SPEC.md`, and make sure workers see the same repository.',
  },
  DELIVERY_REFUSED: {
    cause:
      'The build branch could not be merged into the base branch safely: it conflicts, the base is checked out with uncommitted changes, or the remote refused the push.',
    policy: 'stop',
    action: 'Changes nothing on the base branch; the build ends FAILED and its branch keeps every task.',
    hint: 'Do what the message says (commit or stash in that checkout, or resolve the conflict), then merge the build branch yourself: `git merge <build branch>` on the base branch.',
  },
  CONFIG_INVALID: {
    cause: 'buildrunner.config.json or an option has a value BuildRunner cannot use.',
    policy: 'stop',
    action: 'Refuses before starting anything.',
    hint: 'Fix the field the message names; `br config show` prints the effective configuration.',
  },
  REMOTE_UNREACHABLE: {
    cause: 'The Temporal server (or another service BuildRunner needs) cannot be reached.',
    policy: 'stop',
    action: 'Refuses the command; nothing is started.',
    hint: 'Start a local stack with `br dev`, or point TEMPORAL_ADDRESS at a running cluster; `br doctor` checks it.',
  },
  SANDBOX_UNAVAILABLE: {
    cause: "The sandbox that runs the model's commands cannot start on this worker.",
    policy: 'stop',
    action: 'Stops the task rather than run model-written code unconfined.',
    hint: 'Install bubblewrap on the worker (`apt-get install bubblewrap`) and check it with `br doctor`.',
  },
};

/** What the CLI, the services and --json show for a failure: the same three fields everywhere. */
export interface ExplainedFailure {
  code: string;
  message: string;
  hint?: string;
}

/**
 * Hints for a spec no planner can read (lib/planner/spec-input.ts). Not failure classes: they are
 * refused before a build exists, so no workflow ever branches on them.
 */
export const SPEC_INPUT_HINTS = {
  SPEC_TOO_LARGE:
    'Split the spec into smaller specs and plan or build them one at a time, or raise planner.maxSpecBytes in buildrunner.config.json.',
  SPEC_NOT_TEXT: 'Pass the markdown spec (for example PROJECT_SPEC.md), not a binary file.',
  SPEC_NOT_UTF8:
    'Save the spec as UTF-8 (for example `iconv -f latin1 -t utf-8 spec.md > spec.utf8.md`), then plan again.',
  SPEC_EMPTY:
    'Write the work as headings (`## Feature 1: Sign-up`) or checklist items (`- [ ] Add the sign-up form`); `br spec wizard` writes a spec with you.',
  SPEC_NO_TASKS:
    'Every section reads as description (overview, goals, notes…). Put the work under a heading such as `## Tasks` or `## Feature 1: …`, or as `- [ ]` items.',
} as const;

export function hintFor(code: string | undefined): string | undefined {
  if (code !== undefined && code in SPEC_INPUT_HINTS)
    return SPEC_INPUT_HINTS[code as keyof typeof SPEC_INPUT_HINTS];
  return isFailureClass(code) ? FAILURE_CATALOG[code].hint : undefined;
}

export function explainFailure(code: string | undefined, message: string): ExplainedFailure {
  const hint = hintFor(code);
  return { code: code ?? 'UNKNOWN', message, ...(hint ? { hint } : {}) };
}

/** "Planning failed (SPEC_MISSING): …", one wording for the build and for `br plan`. */
export function failedStep(step: string, code: string | undefined, message: string): string {
  return `${step} failed (${code ?? 'error'}): ${message}`;
}
