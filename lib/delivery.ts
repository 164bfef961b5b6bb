/**
 * Delivery: what a successful build does with its build branch once every task is done. Pure types,
 * safe for the workflow bundle. `none` (the default) leaves the build on its branch; `merge` merges the
 * build branch into the base branch; `pull-request` opens (or updates) a GitHub pull request from the
 * build branch to the base, with the build's summary (activities/delivery).
 */

/** The modes a build can be started with; `none` never reaches the workflow input. */
export const DELIVERY_MODES = ['none', 'merge', 'pull-request'] as const;
export type DeliveryConfigMode = (typeof DELIVERY_MODES)[number];
export type DeliveryMode = Exclude<DeliveryConfigMode, 'none'>;

/** On BuildWorkflowInput only when the build delivers, so other builds carry nothing new. */
export interface DeliverySettings {
  mode: DeliveryMode;
  /** `pull-request`: where on GitHub. Names only, never a token (that stays in the worker's environment). */
  github?: GitHubTarget;
}

export interface GitHubTarget {
  /** "owner/name"; default: from the build's remote URL (remote builds) or the checkout's origin. */
  repo?: string;
  /** GitHub Enterprise: https://<host>/api/v3. */
  baseUrl?: string;
  /** The worker's environment variable holding the token (default GITHUB_TOKEN). */
  tokenEnv?: string;
}

/** What a delivery would change: shown at the delivery gate and in the build's status. */
export interface DeliveryTarget {
  mode: DeliveryMode;
  buildBranch: string;
  baseBranch: string;
}

/** What the delivery did: `already-merged` when the base held every commit of the build branch already (a retry, or a merge by hand). */
export interface DeliveryOutcome {
  how: 'fast-forward' | 'merge-commit' | 'already-merged' | 'pull-request';
  /** The base branch's tip afterwards; for a pull request, the build branch's tip it shows. */
  commit: string;
  /** Where the base branch moved: a checkout of it (path), the branch alone, or the remote; or GitHub. */
  where: 'checkout' | 'branch' | 'remote' | 'github';
  checkout?: string;
  pullRequest?: { number: number; url: string; action: 'created' | 'updated' | 'reopened' | 'unchanged' };
}

/** The delivery in the progress snapshot and the build's summary. */
export interface DeliveryProgress extends DeliveryTarget {
  state: 'awaiting-approval' | 'delivering' | 'delivered' | 'rejected' | 'refused';
  outcome?: DeliveryOutcome;
  /** Why nothing was delivered (rejected, timed out, refused by git): the build branch keeps every task. */
  reason?: string;
}

/** One line about a delivery, for the CLI, MCP and the build's summary. */
export function deliveryLine(d: DeliveryProgress): string {
  const into = `${d.buildBranch} into ${d.baseBranch}`;
  const pr = d.mode === 'pull-request';
  const act = pr ? `open a pull request from ${d.buildBranch} to ${d.baseBranch}` : `merge ${into}`;
  switch (d.state) {
    case 'awaiting-approval':
      return `Waiting for approval to ${act}.`;
    case 'delivering':
      return pr ? `Opening a pull request from ${d.buildBranch} to ${d.baseBranch}.` : `Merging ${into}.`;
    case 'delivered': {
      const o = d.outcome;
      if (o?.pullRequest)
        return `Pull request #${o.pullRequest.number} from ${d.buildBranch} to ${d.baseBranch} (${o.pullRequest.action}): ${o.pullRequest.url}`;
      if (!o) return `Merged ${into}.`;
      const how =
        o.how === 'already-merged'
          ? `${d.baseBranch} already held every commit of ${d.buildBranch}`
          : o.how === 'fast-forward'
            ? 'fast-forward'
            : 'merge commit';
      const where =
        o.where === 'checkout' ? ` in ${o.checkout}` : o.where === 'remote' ? ' on the remote' : '';
      return `Merged ${into}${where} (${how}, ${o.commit.slice(0, 12)}).`;
    }
    default:
      return `Not delivered: ${(d.reason ?? d.state).replace(/\.$/, '')}. ${d.buildBranch} keeps every task.`;
  }
}
