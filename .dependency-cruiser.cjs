/**
 * The layers of ARCHITECTURE.md, enforced: imports point down only, and nothing imports in a circle.
 *
 *   cli/, mcp/, dashboard/  ->  services/  ->  worker/  workflows/  activities/  ->  lib/
 *
 * Type-only imports count too: a type that two layers share belongs in the lower one (lib/contracts
 * holds what workflows and activities share).
 */
const layer = (from, mayNotReach, comment) => ({
  name: `${from}-imports-down-only`,
  comment,
  severity: 'error',
  from: { path: `^${from}/` },
  to: { path: `^(${mayNotReach.join('|')})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a circle cannot be read or tested one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      'lib',
      ['cli', 'mcp', 'dashboard', 'services', 'worker', 'workflows', 'activities'],
      'lib/ is pure shared code and imports only lib/.',
    ),
    layer(
      'activities',
      ['cli', 'mcp', 'dashboard', 'services', 'worker', 'workflows'],
      'Activities do side effects with lib/ and libraries only.',
    ),
    layer(
      'workflows',
      ['cli', 'mcp', 'dashboard', 'services', 'worker', 'activities'],
      'Workflow code reaches activities through lib/contracts types only.',
    ),
    layer(
      'worker',
      ['cli', 'mcp', 'dashboard', 'services'],
      'The worker wires workflows and activities; it knows no front end.',
    ),
    layer('services', ['cli', 'mcp', 'dashboard'], 'Services serve every front end and know none of them.'),
    layer('cli', ['worker', 'workflows', 'activities'], 'The CLI parses, calls a service, renders.'),
    layer(
      'dashboard',
      ['cli', 'mcp', 'worker', 'workflows', 'activities'],
      'The dashboard is a front end like the CLI: it calls services/ and lib/ only.',
    ),
    layer(
      'mcp',
      ['cli', 'worker', 'workflows', 'activities'],
      'The MCP server is a front end like the CLI: it calls services/ and lib/ only.',
    ),
    {
      name: 'workflow-code-has-no-io',
      comment: 'Temporal workflow code is deterministic: no Node built-ins (the simulation host included).',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'lib-has-no-io',
      comment: 'lib/ is pure: no file system, child processes or sockets (fs, child_process, net).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|child_process|net)$' },
    },
    {
      name: 'no-test-code-in-source',
      severity: 'error',
      from: { path: '^(cli|mcp|dashboard|services|worker|workflows|activities|lib)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
