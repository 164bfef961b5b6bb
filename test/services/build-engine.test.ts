import { parseConfig } from '../../lib/config';
import type { AgentEngine } from '../../lib/contracts';
import { makeBuildInput } from '../../services/build-input';
import { taskWorkflowInput } from '../../workflows/core/build-records';

const inputWith = (configured: AgentEngine | undefined, chosen?: AgentEngine) =>
  makeBuildInput({
    config: parseConfig(configured ? { agent: { engine: configured } } : {}),
    project: 'demo',
    repoPath: '/repo',
    specPathInRepo: 'SPEC.md',
    specContent: '# Demo\n',
    options: { specPath: 'SPEC.md', ...(chosen ? { engine: chosen } : {}) },
  });

describe('the coding-agent engine of a build', () => {
  it.each([
    [undefined, undefined, undefined],
    ['builtin', undefined, undefined],
    ['claude-code', undefined, 'claude-code'],
    [undefined, 'claude-code', 'claude-code'],
    ['claude-code', 'builtin', 'builtin'],
  ] as const)('configured %p, chosen %p: the build pins %p', (configured, chosen, pinned) => {
    expect(inputWith(configured, chosen).agentEngine).toBe(pinned);
  });

  it('reaches every task of the build', () => {
    const build = inputWith(undefined, 'claude-code');
    const task = { id: 't1', title: 'T', description: '', acceptance: [], dependsOn: [], files: [] };
    expect(taskWorkflowInput(build, 'wf', task, 'simple', undefined).agentEngine).toBe('claude-code');
  });
});
