import { createContext } from '../../services/context';
import { knownClientKey, rememberClientKey } from '../../services/build-keys';
import type { StartSummary } from '../../services/build-backend';
import { exampleRepo } from '../fixtures/mcp/support';

/**
 * A client key is the caller's string (MCP allows any up to 200 characters): one named like an object
 * property must be a key like any other, not Object.prototype's member. Before, `constructor` found the
 * Object function as a "known" build with no id, and the start then asked Temporal about build undefined.
 */
describe('client keys', () => {
  const summary = (buildId: string): StartSummary => ({
    buildId,
    state: 'started',
    attached: false,
    webUiUrl: null,
    buildBranch: `br/${buildId}`,
    budgetUsd: '5',
    parallel: 1,
    warnings: [],
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    '%s is unknown until remembered, then names its build',
    (key) => {
      const ctx = createContext({ cwd: exampleRepo(), env: { DATABASE_URL: '' } });
      expect(knownClientKey(ctx, key)).toBeUndefined();
      rememberClientKey(ctx, 'other', summary('build-x-00000000'));
      expect(knownClientKey(ctx, key)).toBeUndefined();
      rememberClientKey(ctx, key, summary('build-x-12345678'));
      expect(knownClientKey(ctx, key)).toMatchObject({ buildId: 'build-x-12345678' });
      expect(knownClientKey(ctx, 'other')).toMatchObject({ buildId: 'build-x-00000000' });
    },
  );
});
