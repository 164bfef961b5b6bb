import { BUILTIN_SYSTEM, claudeCodeSystemAppend } from '../../../../activities/claude/attempt/prompt';

describe('the prompt both engines share', () => {
  it('gives both engines the same working rules and each its own way to end', () => {
    const code = claudeCodeSystemAppend('buildrunner');
    const rules = code.split('\n').slice(1, -1);
    expect(rules).toHaveLength(4);
    expect(rules).toContain("Do not commit: the build commits your changes and runs the repository's hooks.");
    expect(BUILTIN_SYSTEM.split('\n').slice(2, -1)).toEqual(rules);
    expect(BUILTIN_SYSTEM).toMatch(/call finish with a short summary\.$/);
    expect(code).toMatch(
      /^You work inside a git worktree of a repository, only through the buildrunner tools:/,
    );
    expect(code).toMatch(/answer with a short summary and no tool call\.$/);
  });
});
