import type { GapReport } from './types';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as markdown: findings first (what to fix), then the matrix. Same report, same bytes. */
export function gapsMarkdown(report: GapReport): string {
  const c = report.counts;
  const lines = [
    `# Gap report: ${report.spec}${report.build ? ` · build ${report.build.id} (${report.build.branch})` : ''}`,
    '',
    `${c.requirements} requirements, ${c.tasks} tasks, ${c.tests} citing tests; ` +
      `findings: ${c.high} high, ${c.medium} medium, ${c.low} low.` +
      (report.resultsFile ? ` Test results: ${report.resultsFile}.` : ' No test results file found.'),
    '',
    '## Findings',
    '',
  ];
  if (!report.findings.length) lines.push('None.');
  for (const f of report.findings) lines.push(`- **${f.severity}** \`${f.kind}\` ${f.message}`);
  lines.push('', '## Traceability', '', '| requirement | state | tasks | tests |', '|---|---|---|---|');
  for (const row of report.matrix) {
    const tasks = row.tasks
      .map(
        (t) =>
          `${t.id}${t.status ? ` ${t.status}` : ''}${t.mergeCommit ? ` @${t.mergeCommit.slice(0, 8)}` : ''}`,
      )
      .join(', ');
    const tests = row.tests.map((t) => `${t.file}: ${t.name} (${t.status})`).join('; ');
    lines.push(
      `| ${cell(row.requirement.id)} | ${row.state} | ${cell(tasks || '—')} | ${cell(tests || '—')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line per finding of high severity, for build summaries. */
export function gapsHeadline(report: GapReport): string {
  const c = report.counts;
  if (!report.findings.length) return `Gaps: none (${c.requirements} requirements traced).`;
  const high = report.findings
    .filter((f) => f.severity === 'high')
    .map((f) => f.requirementId ?? f.taskId ?? f.featureId);
  return (
    `Gaps: ${c.high} high, ${c.medium} medium, ${c.low} low` +
    (high.length ? ` (high: ${[...new Set(high)].join(', ')})` : '') +
    '.'
  );
}
