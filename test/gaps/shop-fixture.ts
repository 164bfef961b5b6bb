import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildTaskRow } from '../../activities/evidence';
import { recordBuild, recordTask } from '../../activities/persistence/records';
import type { Database } from '../../lib/db/connection';
import { makeRepo, type TempRepo } from '../git/repo';

/**
 * A small shop repository with a spec of 13 requirements, a build branch with one merge per task,
 * tests citing the requirements, their jest results and features.json. `planted` makes the copy
 * with two gaps of every kind; `expectedPlanted` lists them.
 */

export const SPEC = (planted: boolean) => `# Shop

An online shop.

## Cart

Shoppers collect items before they pay.

Acceptance criteria:
- R1.1: Adding an item increases the cart count by 1
- R1.2: Removing the last item empties the cart
- ${planted ? 'WHEN the cart is full THE SYSTEM SHALL respond quickly' : 'WHEN the cart holds 100 items THE SYSTEM SHALL reject another item with 409'}

## Checkout

- [ ] Compute order totals in \`src/checkout.js\`
- [ ] Apply discount codes in \`src/discount.js\`

Acceptance criteria:
1. Totals are rounded to 2 decimals
2. An expired discount code answers 410

## Accounts

Accounts keep shoppers' details.

- **R3.1** Sign-up stores a salted password hash
- **R3.2** ${planted ? 'Login errors are user-friendly' : 'Login with a wrong password answers 401'}
- R3.3: Five failed logins lock the account for 15 minutes

## Search

Shoppers find products by name.

- WHEN a query has fewer than 2 characters THE SYSTEM SHALL answer 400
- R4.1: Results are sorted by relevance, 20 per page
- R4.2: Search answers within 300 ms for 10000 products
`;

/** Spelled apart so that this repository's own gap analysis does not read the fixture's citations. */
export const TAG = '@' + 'req';

interface FixtureTask extends BuildTaskRow {
  test: string;
  /** Requirement id → test title citing it. */
  cites: [string, string][];
}

const TASKS: FixtureTask[] = [
  {
    id: 'cart-1',
    title: 'Cart operations',
    status: 'SUCCEEDED',
    requirementIds: ['R1.1', 'R1.2', 'cart.e1'],
    features: ['cart'],
    mergeCommit: null,
    files: ['src/cart.js'],
    test: 'test/cart.test.js',
    cites: [
      ['R1.1', 'adds an item'],
      ['R1.2', 'empties the cart'],
      ['cart.e1', 'rejects the 101st item'],
    ],
  },
  {
    id: 'checkout-1',
    title: 'Compute order totals',
    status: 'SUCCEEDED',
    requirementIds: ['checkout.c1', 'checkout.ac1', 'checkout.ac2'],
    features: ['checkout'],
    mergeCommit: null,
    files: ['src/checkout.js'],
    test: 'test/checkout.test.js',
    cites: [
      ['checkout.c1', 'computes totals'],
      ['checkout.ac1', 'rounds to cents'],
      ['checkout.ac2', 'answers 410 for an expired code'],
    ],
  },
  {
    id: 'checkout-2',
    title: 'Apply discount codes',
    status: 'SUCCEEDED',
    requirementIds: ['checkout.c2', 'checkout.ac1', 'checkout.ac2'],
    features: ['checkout'],
    mergeCommit: null,
    files: ['src/discount.js'],
    test: 'test/discount.test.js',
    cites: [['checkout.c2', 'applies a code']],
  },
  {
    id: 'accounts-1',
    title: 'Accounts',
    status: 'SUCCEEDED',
    requirementIds: ['R3.1', 'R3.2', 'R3.3'],
    features: ['accounts'],
    mergeCommit: null,
    files: ['src/accounts.js'],
    test: 'test/accounts.test.js',
    cites: [
      ['R3.1', 'hashes passwords'],
      ['R3.2', 'answers 401 for a wrong password'],
      ['R3.3', 'locks after five failures'],
    ],
  },
  {
    id: 'search-1',
    title: 'Search',
    status: 'SUCCEEDED',
    requirementIds: ['search.e1', 'R4.1'],
    features: ['search'],
    mergeCommit: null,
    files: ['src/search.js'],
    test: 'test/search.test.js',
    cites: [
      ['search.e1', 'answers 400 for short queries'],
      ['R4.1', 'pages by 20'],
    ],
  },
  {
    id: 'search-2',
    title: 'Search index',
    status: 'SUCCEEDED',
    requirementIds: ['R4.2'],
    features: ['search'],
    mergeCommit: null,
    files: ['src/search-index.js'],
    test: 'test/search-index.test.js',
    cites: [['R4.2', 'answers within 300 ms']],
  },
];

export const expectedPlanted = [
  'high feature-complete-without-evidence accounts',
  'high feature-complete-without-evidence cart',
  'high requirement-test-failing R1.2',
  'high requirement-test-failing search.e1',
  'high requirement-untested R3.1',
  'high requirement-untested checkout.ac1',
  'high requirement-without-task R3.3',
  'high requirement-without-task R4.2',
  'high task-done-without-merge checkout-2',
  'high task-done-without-merge search-1',
  'medium test-unknown-requirement R9.9',
  'medium test-unknown-requirement checkout.ac7',
  'low vague-requirement R3.2',
  'low vague-requirement cart.e1',
];

export interface ShopFixture {
  repo: TempRepo;
  branch: string;
  tasks: BuildTaskRow[];
}

function testFile(task: FixtureTask, planted: boolean): string {
  const lines = ["const assert = require('node:assert');", '', `describe('${task.title}', () => {`];
  task.cites.forEach(([id, title], i) => {
    const tag = planted && (id === 'R3.1' || id === 'checkout.ac1') ? '' : `${TAG} ${id}`;
    // Half the citations sit in the test name, half in a comment above it: both forms are read.
    if (i % 2 === 0) lines.push(`  it('${title}${tag ? ` ${tag}` : ''}', () => assert.ok(true));`);
    else lines.push(...(tag ? [`  // ${tag}`] : []), `  it('${title}', () => assert.ok(true));`);
  });
  if (planted && task.id === 'search-1')
    lines.push(`  it('finds by name ${TAG} R9.9', () => assert.ok(true));`);
  if (planted && task.id === 'checkout-2')
    lines.push(`  // ${TAG} checkout.ac7`, `  it('stacks two codes', () => assert.ok(true));`);
  return `${lines.join('\n')}\n});\n`;
}

/** jest --json shaped results for every `it(…)` in the test files; `failing` titles fail. */
export function writeResults(repo: TempRepo, files: string[], failing: string[]): void {
  const testResults = files.map((file) => {
    const source = readFileSync(path.join(repo.dir, file), 'utf8');
    const titles = [...source.matchAll(/\bit\('([^']+)'/g)].map((m) => m[1]!);
    return {
      name: path.join(repo.dir, file),
      assertionResults: titles.map((title) => ({
        title,
        fullName: title,
        status: failing.some((f) => title.startsWith(f)) ? 'failed' : 'passed',
      })),
    };
  });
  mkdirSync(path.join(repo.dir, '.buildrunner'), { recursive: true });
  writeFileSync(path.join(repo.dir, '.buildrunner/test-results.json'), JSON.stringify({ testResults }));
}

function features(planted: boolean): string {
  const ids = planted
    ? [
        ['cart', 'complete'],
        ['checkout', 'in_progress'],
        ['accounts', 'complete'],
        ['search', 'in_progress'],
        // Not described by this spec: judged by the spec that does, never reported here.
        ['legacy-export', 'complete'],
      ]
    : [
        ['cart', 'complete'],
        ['checkout', 'complete'],
        ['accounts', 'complete'],
        ['search', 'complete'],
      ];
  const at = '2026-11-27T00:00:00.000Z';
  return `${JSON.stringify(
    {
      version: 1,
      features: ids.map(([id, status]) => ({
        id,
        title: id,
        description: '',
        status,
        required: false,
        tasks: [],
        updatedAt: at,
      })),
    },
    null,
    2,
  )}\n`;
}

export function makeShop(options: { planted: boolean }): ShopFixture {
  const { planted } = options;
  const repo = makeRepo();
  const git = (...args: string[]) => repo.git(...args);
  repo.write('PROJECT_SPEC.md', SPEC(planted));
  repo.write('.buildrunner/features.json', features(planted));
  repo.write('.gitignore', '.buildrunner/test-results.json\n');
  repo.commitAll('spec');
  const branch = 'br/build-shop';
  git('branch', branch);
  const rows: BuildTaskRow[] = [];
  for (const task of TASKS) {
    git('checkout', '-q', '-b', `task/${task.id}`, branch);
    repo.write(task.files[0]!, `module.exports = {}; // ${task.title}\n`);
    repo.write(task.test, testFile(task, planted));
    repo.commitAll(task.title);
    git('checkout', '-q', branch);
    git('merge', '-q', '--no-ff', '-m', `merge ${task.id}`, `task/${task.id}`);
    const mergeCommit = git('rev-parse', 'HEAD');
    const { test: _t, cites: _c, ...row } = task;
    rows.push({ ...row, mergeCommit });
  }
  if (planted) {
    git('checkout', '-q', '-b', 'side', 'main');
    repo.write('src/search.js', 'module.exports = { side: true };\n');
    const side = repo.commitAll('never merged');
    for (const row of rows) {
      if (row.id === 'checkout-2') row.mergeCommit = null;
      if (row.id === 'search-1') row.mergeCommit = side;
      if (row.id === 'accounts-1') row.requirementIds = ['R3.1', 'R3.2'];
      if (row.id === 'cart-1') Object.assign(row, { status: 'FAILED', mergeCommit: null });
    }
    rows.splice(
      rows.findIndex((r) => r.id === 'search-2'),
      1,
    );
  }
  git('checkout', '-q', branch);
  writeResults(
    repo,
    TASKS.map((t) => t.test),
    planted ? ['empties the cart', 'answers 400 for short queries'] : [],
  );
  return { repo, branch, tasks: rows };
}

export const gitIn = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

/** Records the shop's build and its task rows (merge commits included) as the persistence activities do. */
export async function recordShopBuild(db: Database, shop: ShopFixture, buildId: string): Promise<void> {
  await recordBuild(db, {
    buildId,
    project: 'shop',
    specPath: 'PROJECT_SPEC.md',
    specHash: 'x',
    repoPath: shop.repo.dir,
    baseBranch: 'main',
    buildBranch: shop.branch,
    status: 'SUCCEEDED',
    budgetUsd: '10',
    costUsd: '1',
    parallel: 2,
    taskCount: shop.tasks.length,
    startedAt: Date.UTC(2026, 10, 27),
  });
  for (const t of shop.tasks)
    await recordTask(db, {
      buildId,
      taskId: t.id,
      title: t.title,
      status: t.status,
      attempts: 1,
      costUsd: '0.1',
      dependsOn: [],
      files: t.files,
      requirementIds: t.requirementIds,
      features: t.features,
      ...(t.mergeCommit ? { mergeCommit: t.mergeCommit, verification: 'npm test' } : {}),
    });
}
