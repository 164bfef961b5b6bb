import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../lib/config';
import { buildWorkflowId, decideStart, makeBuildInput, projectSlug } from '../../services/build-input';
import { prepareBuild, startBuild } from '../../services/builds';
import { createContext } from '../../services/context';
import { webUiLink } from '../../services/temporal-client';
import { makeRepo } from '../fixtures/repo';

describe('build workflow ids', () => {
  it('reads as build-<project>-<8 hex> and stays the same for the same spec and base branch', () => {
    const id = buildWorkflowId('My Shop!', '# Spec\n- [ ] cart', 'main');
    expect(id).toMatch(/^build-my-shop-[0-9a-f]{8}$/);
    expect(buildWorkflowId('My Shop!', '# Spec\n- [ ] cart', 'main')).toBe(id);
  });

  it('changes when the spec content or the base branch changes', () => {
    const id = buildWorkflowId('shop', 'spec', 'main');
    expect(buildWorkflowId('shop', 'spec ', 'main')).not.toBe(id);
    expect(buildWorkflowId('shop', 'spec', 'develop')).not.toBe(id);
  });

  it('slugs project names to lowercase words joined by dashes, never empty', () => {
    expect(projectSlug('  Acme  API v2 ')).toBe('acme-api-v2');
    expect(projectSlug('???')).toBe('project');
    expect(projectSlug('x'.repeat(80))).toHaveLength(40);
  });
});

describe('the idempotent start decision', () => {
  it.each([
    [null, 'start'],
    [{ status: 'RUNNING' }, 'attach'],
    [{ status: 'COMPLETED' }, 'ended'],
    [{ status: 'FAILED' }, 'ended'],
    [{ status: 'CANCELLED' }, 'ended'],
    [{ status: 'TERMINATED' }, 'ended'],
  ] as const)('given an existing build %j it decides to %s', (existing, decision) => {
    expect(decideStart(existing)).toBe(decision);
  });

  it.each([
    [null, 'start'],
    [{ status: 'RUNNING' }, 'attach'],
    [{ status: 'COMPLETED' }, 'start'],
    [{ status: 'FAILED' }, 'start'],
  ] as const)('with a rebuild asked for, given %j it decides to %s', (existing, decision) => {
    expect(decideStart(existing, true)).toBe(decision);
  });
});

describe('the build input', () => {
  const config = parseConfig({
    routing: { critical: 'sonnet', maxAttemptsPerTask: 3 },
    agent: { verifyCommand: 'npm test' },
  });

  it('takes routing, budget thresholds and the verify command from the config, and the planner model from the catalog', () => {
    const input = makeBuildInput({
      config,
      project: 'shop',
      repoPath: '/repo',
      specPathInRepo: 'PROJECT_SPEC.md',
      specContent: 'spec',
      options: { specPath: 'PROJECT_SPEC.md', budgetUsd: '12.5', planner: 'claude' },
    });
    expect(input).toMatchObject({
      buildId: buildWorkflowId('shop', 'spec', 'main'),
      buildBranch: `br/${buildWorkflowId('shop', 'spec', 'main')}`,
      budgetUsd: '12.5',
      parallel: 4,
      plannerModel: 'claude-sonnet-5-5',
      verifyCommand: 'npm test',
      alertThresholds: [0.5, 0.8, 1],
    });
    expect(input.routing.tiers.critical).toBe('sonnet');
    expect(input.routing.maxAttemptsPerTask).toBe(3);
  });

  it('never carries the API key, even when one is in the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'br-input-'));
    writeFileSync(path.join(dir, 'PROJECT_SPEC.md'), '# Shop\n- [ ] cart\n');
    const key = `sk-ant-api03-${'k'.repeat(40)}`;
    const ctx = createContext({ cwd: dir, env: { ANTHROPIC_API_KEY: key } });
    const input = prepareBuild(ctx, { specPath: 'PROJECT_SPEC.md' });
    expect(JSON.stringify(input)).not.toContain(key);
    expect(input.specPath).toBe('PROJECT_SPEC.md');
  });

  it('names the missing spec file and what to pass instead', () => {
    const ctx = createContext({ cwd: mkdtempSync(path.join(tmpdir(), 'br-input-')), env: {} });
    expect(() => prepareBuild(ctx, { specPath: 'nope.md' })).toThrow(/Spec file not found: .*nope\.md/);
  });
});

describe('talking to Temporal', () => {
  it('links each build to its page in the Web UI', () => {
    const ctx = createContext({ cwd: tmpdir(), env: { TEMPORAL_UI_URL: 'http://ui:8080/' } });
    expect(webUiLink(ctx, 'build-shop-1a2b3c4d')).toBe(
      'http://ui:8080/namespaces/default/workflows/build-shop-1a2b3c4d',
    );
  });

  it('says how to get a server when Temporal is unreachable', async () => {
    // A start that passes every check before Temporal: a repository with main and a spec that plans.
    const repo = makeRepo();
    repo.write('PROJECT_SPEC.md', '# Shop\n## Cart\n- [ ] add items\n');
    const ctx = createContext({ cwd: repo.dir, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    try {
      await expect(startBuild(ctx, { specPath: 'PROJECT_SPEC.md' })).rejects.toThrow(
        /Cannot reach the Temporal server at 127\.0\.0\.1:1.*br dev.*docker compose up.*TEMPORAL_ADDRESS/s,
      );
    } finally {
      repo.cleanup();
    }
  }, 20_000);
});
