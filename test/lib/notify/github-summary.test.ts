import {
  escapeMarkdown,
  GITHUB_BODY_LIMIT,
  renderBuildSummary,
  renderFinishedComment,
  type BuildSummary,
} from '../../../lib/notify/github-summary';
import type { SummaryGaps } from '../../../lib/gaps/types';

const summary = (extra: Partial<BuildSummary> = {}): BuildSummary => ({
  buildId: 'build-shop-1a2b',
  project: 'shop',
  outcome: 'SUCCEEDED',
  baseBranch: 'main',
  buildBranch: 'br/build-shop-1a2b',
  spentUsd: '3.20',
  budgetUsd: '20',
  durationMs: 754_000,
  tasks: [
    {
      id: 't1',
      title: 'Cart API',
      state: 'SUCCEEDED',
      model: 'claude-sonnet',
      costUsd: '1.20',
      attempts: 1,
      commit: 'abcdef0123456789',
    },
    { id: 't2', title: 'Checkout | pay', state: 'FAILED', costUsd: '2.00', attempts: 3 },
  ],
  ...extra,
});

describe('renderBuildSummary', () => {
  it('shows the tasks as a table with costs, states and the totals', () => {
    const text = renderBuildSummary(summary());
    expect(text).toContain('| task | title | state | model | attempts | cost | commit |');
    expect(text).toContain('| `t1` | Cart API | SUCCEEDED | `claude-sonnet` | 1 | $1.20 | `abcdef012345` |');
    expect(text).toContain('| `t2` | Checkout \\| pay | FAILED | — | 3 | $2.00 | — |');
    expect(text).toContain('Cost: $3.20 of $20 budget · 12 min 34 s');
    expect(text).toContain('2 tasks (1 succeeded, 1 failed)');
    expect(text).toContain('`br build status build-shop-1a2b`');
  });

  it('escapes text from the spec: no HTML, no hidden marker, no mention, one line per cell', () => {
    const title = '<!-- buildrunner:pull-request x --> ping @octocat\nnext *bold*';
    const text = renderBuildSummary(summary({ tasks: [{ id: 't1', title, state: 'SUCCEEDED' }] }));
    expect(text).not.toContain('<!--');
    expect(text).not.toMatch(/@octocat/);
    expect(escapeMarkdown(title)).toBe(
      '&lt;!-- buildrunner:pull-request x --&gt; ping @\u200boctocat next \\*bold\\*',
    );
  });

  it('fits GitHub body limit with thousands of tasks and says how many were left out', () => {
    const tasks = Array.from({ length: 5000 }, (_, i) => ({
      id: `task-${i}`,
      title: 'x'.repeat(60),
      state: 'SUCCEEDED',
      costUsd: '0.01',
    }));
    const text = renderBuildSummary(summary({ tasks }));
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT - 200);
    expect(text).toMatch(/\| … \| \d+ more tasks: see the build status/);
    expect(text).toContain('Details: `br build status build-shop-1a2b`');
  });

  it('adds the gap report headline, its high findings and where the others are', () => {
    const gaps: SummaryGaps = {
      headline: 'Gaps: 1 high, 2 medium, 0 low (high: R2).',
      counts: { requirements: 3, tasks: 2, tests: 1, high: 1, medium: 2, low: 0 },
      high: [{ kind: 'requirement-untested', message: 'R2 has no <b>test</b>', requirementId: 'R2' }],
    };
    const text = renderBuildSummary(summary({ gaps }));
    expect(text).toContain('### Gap report');
    expect(text).toContain('Gaps: 1 high, 2 medium, 0 low (high: R2).');
    expect(text).toContain('- **high** `requirement-untested` R2 has no &lt;b&gt;test&lt;/b&gt;');
    expect(text).toContain('- 2 medium or low: `br gaps analyze`');
  });
});

describe('renderFinishedComment', () => {
  it('says the outcome, the counts, the cost and where to look', () => {
    const text = renderFinishedComment(
      'b1',
      {
        outcome: 'FAILED',
        message: 'task t2 failed',
        tasks: { total: 3, succeeded: 1, failed: 1, blocked: 1, cancelled: 0 },
        spentUsd: '4.10',
        durationMs: 65_000,
        baseBranch: 'main',
        buildBranch: 'br/b1',
      },
      { status: 'br build status b1', webUi: 'http://localhost:8233/namespaces/default/workflows/b1' },
    );
    expect(text).toContain('finished: FAILED');
    expect(text).toContain('1/3 tasks succeeded, 1 failed, 1 blocked · $4.10 · 1 min 5 s');
    expect(text).toContain('[Temporal Web UI](http://localhost:8233/namespaces/default/workflows/b1)');
  });
});
