import type { Requirement } from '../requirements';
import { slugify, vagueWords } from '../requirements';
import {
  GAP_SEVERITY,
  SEVERITY_RANK,
  type GapFinding,
  type GapInput,
  type GapKind,
  type GapReport,
  type MatrixRow,
  type RequirementState,
  type TaskEvidence,
  type TestCitation,
} from './types';

/**
 * The traceability matrix requirement → tasks → merged change → citing tests → results, and the gaps
 * in it. Deterministic: no clock, no model; rows follow the spec, findings are sorted.
 */

/** A task's change is on the build branch and touches at least one of its expected files (if it named any). */
export function isMerged(t: TaskEvidence): boolean {
  if (!t.mergeCommit || !t.mergedFiles || t.mergedFiles.length === 0) return false;
  return (
    t.files.length === 0 || t.files.some((f) => t.mergedFiles!.some((m) => m === f || m.startsWith(`${f}/`)))
  );
}

function stateOf(
  r: Requirement,
  tasks: TaskEvidence[],
  tests: TestCitation[],
  done: boolean,
): RequirementState {
  if (tests.some((t) => t.status === 'failed')) return 'failing';
  if (!tasks.length && !r.checked) return 'no-task';
  if (tests.some((t) => t.status === 'passed')) return 'verified';
  return done ? 'untested' : 'open';
}

const compare = (a: GapFinding, b: GapFinding) =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  a.kind.localeCompare(b.kind) ||
  (a.requirementId ?? '').localeCompare(b.requirementId ?? '') ||
  (a.taskId ?? '').localeCompare(b.taskId ?? '') ||
  (a.featureId ?? '').localeCompare(b.featureId ?? '') ||
  (a.test?.file ?? '').localeCompare(b.test?.file ?? '') ||
  (a.test?.line ?? 0) - (b.test?.line ?? 0) ||
  a.message.localeCompare(b.message);

export function analyzeGaps(input: GapInput): GapReport {
  const findings: GapFinding[] = [];
  const add = (kind: GapKind, message: string, extra: Partial<GapFinding> = {}) =>
    findings.push({ kind, severity: GAP_SEVERITY[kind], message, ...extra });
  const known = new Set(input.requirements.map((r) => r.id));
  const inBuild = input.build !== null;

  for (const t of input.tasks) {
    if (t.status === 'SUCCEEDED' && !isMerged(t)) {
      const why = !t.mergeCommit
        ? 'no merge commit is recorded'
        : !t.mergedFiles
          ? `its merge commit ${t.mergeCommit.slice(0, 12)} is not on the build branch`
          : `its merge ${t.mergeCommit.slice(0, 12)} touches none of its files (${t.files.join(', ')})`;
      add('task-done-without-merge', `Task ${t.id} is marked SUCCEEDED but ${why}.`, { taskId: t.id });
    }
  }

  const matrix: MatrixRow[] = input.requirements.map((r) => {
    const tasks = input.tasks.filter((t) => t.requirementIds.includes(r.id));
    const tests = input.tests.filter((c) => c.requirementIds.includes(r.id));
    const done =
      r.checked === true || (inBuild && tasks.length > 0 && tasks.every((t) => t.status === 'SUCCEEDED'));
    const state = stateOf(r, tasks, tests, done);
    const where = { requirementId: r.id };
    if (!tasks.length && !r.checked)
      add('requirement-without-task', `Requirement ${r.id} ("${short(r.text)}") has no task.`, where);
    if (state === 'failing') {
      const failed = tests.filter((t) => t.status === 'failed').map((t) => `${t.file}: ${t.name}`);
      add('requirement-test-failing', `Requirement ${r.id}: failing test(s) ${failed.join('; ')}.`, where);
    }
    if (state === 'untested') {
      const why = tests.length
        ? `the ${tests.length} test(s) citing it have no passing result`
        : 'no test cites it (`@req ' + r.id + '`)';
      const claim = r.checked
        ? 'is checked off in the spec'
        : `has its tasks done (${tasks.map((t) => t.id).join(', ')})`;
      add('requirement-untested', `Requirement ${r.id} ${claim}, but ${why}.`, where);
    }
    const vague = vagueWords(r.text);
    if (vague.length)
      add(
        'vague-requirement',
        `Requirement ${r.id} uses untestable wording without a number: ${vague.join(', ')}.`,
        where,
      );
    return {
      requirement: { id: r.id, text: r.text, kind: r.kind, feature: r.feature, line: r.line },
      tasks: tasks.map((t) => ({
        id: t.id,
        status: t.status,
        mergeCommit: t.mergeCommit,
        merged: isMerged(t),
      })),
      tests: tests.map((t) => ({ file: t.file, name: t.name, status: t.status })),
      state,
    };
  });

  for (const c of input.tests)
    for (const id of c.requirementIds)
      if (!known.has(id))
        add('test-unknown-requirement', `${c.file}:${c.line} "${c.name}" cites unknown requirement ${id}.`, {
          requirementId: id,
          test: { file: c.file, name: c.name, line: c.line },
        });

  const rowsByFeature = new Map<string, MatrixRow[]>();
  for (const row of matrix)
    rowsByFeature.set(row.requirement.feature, [...(rowsByFeature.get(row.requirement.feature) ?? []), row]);
  for (const f of input.features) {
    if (f.status !== 'complete') continue;
    // A feature matches a spec section by id or by title; one this spec and build never mention is
    // judged by the spec that describes it, not here.
    const section = rowsByFeature.has(f.id) ? f.id : slugify(f.title ?? '');
    const rows = rowsByFeature.get(section) ?? [];
    const featureTasks = input.tasks.filter((t) => t.features.includes(f.id) || t.features.includes(section));
    if (!rows.length && !featureTasks.length) continue;
    const unverified = rows.filter((r) => r.state !== 'verified').map((r) => r.requirement.id);
    const unmerged = featureTasks.filter((t) => !(t.status === 'SUCCEEDED' && isMerged(t))).map((t) => t.id);
    let why: string | null = null;
    if (!rows.length) why = 'no requirement of the spec belongs to it';
    else if (unverified.length) why = `requirement(s) without a passing test: ${unverified.join(', ')}`;
    else if (inBuild && unmerged.length) why = `task(s) not merged: ${unmerged.join(', ')}`;
    if (why)
      add(
        'feature-complete-without-evidence',
        `Feature ${f.id} is marked complete in features.json, but ${why}.`,
        {
          featureId: f.id,
        },
      );
  }

  findings.sort(compare);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const top = findings.reduce((m, f) => Math.max(m, SEVERITY_RANK[f.severity]), 0);
  return {
    spec: input.specPath,
    build: input.build,
    resultsFile: input.resultsFile,
    counts: {
      requirements: input.requirements.length,
      tasks: input.tasks.length,
      tests: input.tests.length,
      high: count('high'),
      medium: count('medium'),
      low: count('low'),
    },
    matrix,
    findings,
    exitCode: top,
  };
}

const short = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);
