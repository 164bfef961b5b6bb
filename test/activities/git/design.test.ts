import { MockActivityEnvironment } from '@temporalio/testing';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createClaudeActivities } from '../../../activities/claude';
import { createGitActivities } from '../../../activities/git';
import { parseConfig } from '../../../lib/config';
import { designFromSpec, resolveDesign } from '../../../lib/design/request';
import { UserError } from '../../../lib/errors';
import { makeBuildInput } from '../../../services/build-input';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../../fixtures/anthropic-server';
import { makeTestKey, testConfig } from '../../fixtures/claude';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { useTempRepo } from '../../fixtures/repo';

const SPEC =
  '# Clinic portal\n\n- **Design:** healthcare × dashboard\n\n## Features\n\n- [ ] Appointments list\n';

describe('a build that names a design system', () => {
  it.each([
    ['Design: healthcare × dashboard', { profile: 'healthcare', pattern: 'dashboard' }],
    ['- **Design:** fintech x analytics', { profile: 'fintech', pattern: 'analytics' }],
    ['design: media / content-platform', { profile: 'media', pattern: 'content-platform' }],
    [
      'Design: industry profile **real-estate**, use-case pattern **crm**.',
      { profile: 'real-estate', pattern: 'crm' },
    ],
    ['We design: nothing here', null],
  ])('reads the spec line %j', (line, expected) => {
    expect(designFromSpec(`# Spec\n\n${line}\n`)).toEqual(expected);
  });

  it('takes the spec line over buildrunner.config.json and fails early on unknown names', () => {
    const config = { profile: 'saas', pattern: 'crm', outDir: 'src/design' };
    expect(resolveDesign({ config, spec: SPEC })).toEqual({
      profile: 'healthcare',
      pattern: 'dashboard',
      outDir: 'src/design',
    });
    expect(resolveDesign({ config, spec: '# no line' })).toMatchObject({ profile: 'saas', pattern: 'crm' });
    expect(resolveDesign({ spec: '# no line' })).toBeUndefined();
    expect(() => resolveDesign({ spec: 'Design: banking × crm' })).toThrow(UserError);
    expect(() => resolveDesign({ config: { ...config, outDir: '../elsewhere' }, spec: '' })).toThrow(
      /inside the repository/,
    );
  });

  it('puts the design in the workflow input only when one is named', () => {
    const args = {
      project: 'clinic',
      repoPath: '/repo',
      specPathInRepo: 'SPEC.md',
      options: { specPath: 'SPEC.md' },
    };
    const named = makeBuildInput({ ...args, config: parseConfig({}), specContent: SPEC });
    expect(named.design).toEqual({ profile: 'healthcare', pattern: 'dashboard', outDir: 'design' });
    const plain = makeBuildInput({ ...args, config: parseConfig({}), specContent: '# Spec\n' });
    expect('design' in plain).toBe(false);
  });

  describe('on the build branch and in the agent prompt', () => {
    const repo = useTempRepo();
    const key = makeTestKey();
    let server: FakeAnthropic;
    let db: TestDatabase;
    beforeAll(async () => {
      server = await startFakeAnthropic();
      db = await createTestDatabase('pglite');
    });
    afterAll(async () => {
      await server.close();
      await db.close();
    });

    it('commits the design files once before any task, and the agent is told to follow DESIGN.md', async () => {
      const git = createGitActivities({ config: parseConfig({}) });
      const design = resolveDesign({
        config: { profile: 'saas', pattern: 'dashboard', outDir: 'design' },
        spec: '',
      })!;
      const userHead = repo.git('rev-parse', 'HEAD');
      const branch = {
        repoPath: repo.dir,
        baseBranch: 'main',
        buildBranch: 'br/b-design',
        buildId: 'b-design',
        design,
      };
      await git.ensureBuildBranch(branch);
      await git.ensureBuildBranch(branch); // a retried activity commits nothing new
      expect(repo.git('log', '--format=%an|%s', 'main..br/b-design')).toBe(
        'BuildRunner|Design system: saas × dashboard (br design generate)',
      );
      expect(repo.git('ls-tree', '--name-only', 'br/b-design', 'design/').split('\n').sort()).toEqual([
        'design/DESIGN.md',
        'design/design.tokens.json',
        'design/registry-item.json',
        'design/theme.css',
      ]);
      expect(repo.git('rev-parse', 'HEAD')).toBe(userHead);
      expect(repo.git('branch', '--show-current')).toBe('main');

      const task = await git.prepareWorktree({
        buildId: 'b-design',
        taskId: 'ui',
        attempt: 1,
        repoPath: repo.dir,
        buildBranch: 'br/b-design',
      });
      expect(readFileSync(path.join(task.worktreePath, 'design/DESIGN.md'), 'utf8')).toMatch(
        /^# Design system: SaaS × Dashboard/,
      );

      server.enqueue(toolUse('finish', { summary: 'Nothing to do.' }));
      const claude = createClaudeActivities({
        db,
        config: testConfig(server.url),
        apiKey: key,
        env: { ...process.env, ANTHROPIC_API_KEY: key },
      });
      await new MockActivityEnvironment({ attempt: 1 }).run(claude.runAgent, {
        buildId: 'b-design',
        taskId: 'ui',
        attempt: 1,
        model: 'claude-sonnet-5-5',
        worktreePath: task.worktreePath,
        baseCommit: task.baseCommit,
        task: {
          id: 'ui',
          title: 'Appointments page',
          description: 'List appointments.',
          acceptance: [],
          dependsOn: [],
          files: [],
        },
        budgetUsd: '1.00',
      });
      const prompt = JSON.stringify(server.requests[0]!.body.messages);
      expect(prompt).toContain('read design/DESIGN.md and follow it');
    });

    it('leaves builds without a design as they were: no design commit, no merge worktree', async () => {
      const git = createGitActivities({ config: parseConfig({}) });
      await git.ensureBuildBranch({ repoPath: repo.dir, baseBranch: 'main', buildBranch: 'br/b-plain' });
      expect(repo.git('rev-parse', 'br/b-plain')).toBe(repo.git('rev-parse', 'main'));
      expect(existsSync(path.join(repo.dir, '.buildrunner/worktrees/b-plain'))).toBe(false);
    });
  });
});
