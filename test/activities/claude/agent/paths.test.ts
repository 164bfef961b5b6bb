import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { executeTool, type ToolContext } from '../../../../activities/claude/agent/tools';
import { testPolicy } from '../../../fixtures/sandbox/policy';

describe("the agent's file tools and the .git folder", () => {
  let base: string;
  let ctx: ToolContext;
  beforeEach(() => {
    base = mkdtempSync(path.join(tmpdir(), 'br-review-paths-'));
    mkdirSync(path.join(base, '.git', 'hooks'), { recursive: true });
    ctx = { root: realpathSync(base), allowedCommands: [], sandbox: testPolicy() };
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it.each([
    '.GIT/hooks/pre-commit',
    '.Git/config',
    '.git./hooks/pre-commit',
    '.g\u200cit/config',
    '.git /config',
  ])('refuses %j, which a case-insensitive file system or git would read as .git', async (p) => {
    const outcome = await executeTool('write_file', { path: p, content: '#!/bin/sh\n' }, ctx);
    expect(outcome.isError).toBe(true);
    expect(outcome.content).toContain('.git folder is off limits');
  });

  it('still lets the agent write .github and .gitignore', async () => {
    for (const p of ['.github/workflows/ci.yml', '.gitignore']) {
      const outcome = await executeTool('write_file', { path: p, content: 'x\n' }, ctx);
      expect(outcome).toEqual({ content: `Wrote ${p} (2 characters).`, isError: false });
    }
  });
});
