import { DEFAULT_CATALOG } from '../../../lib/models';
import { decideFallback, initialFallbackState } from '../../../workflows/core/fallback';
import { decideResolution } from '../../../workflows/core/resolution';

const SONNET = 'claude-sonnet-5-5';
const OPUS = 'claude-opus-5-5';

describe('the two decisions on a merge conflict', () => {
  it('resolves first on the current model, then on a stronger one after a failed resolution, uncounted', () => {
    const start = initialFallbackState(SONNET, 'moderate');
    const first = decideResolution(start, DEFAULT_CATALOG);
    expect(first.decision).toMatchObject({ action: 'resolve', model: SONNET });
    expect(first.state).toMatchObject({ counted: 0, free: 0, model: SONNET, resolvedOn: SONNET });
    const second = decideResolution(first.state, DEFAULT_CATALOG);
    expect(second.decision).toMatchObject({ action: 'resolve', model: OPUS });
    expect(second.decision.label).toContain(`a resolution on ${SONNET} failed`);
    expect(second.state.model).toBe(SONNET);
  });

  it('redoes the task, counted, once the resolution failed', () => {
    const { decision, state } = decideFallback({
      type: 'MERGE_CONFLICT',
      details: { files: ['src/server.ts'], resolution: 'The model gave up' },
      state: initialFallbackState(SONNET, 'moderate'),
      catalog: DEFAULT_CATALOG,
      maxAttempts: 4,
    });
    expect(decision).toMatchObject({
      action: 'redo',
      model: SONNET,
      label: 'redo on the updated build branch',
    });
    expect(state.counted).toBe(1);
  });

  it('counts only the first redo after a failed resolution: later conflicts were lost to other merges', () => {
    const input = {
      type: 'MERGE_CONFLICT',
      details: { files: ['src/server.ts'], resolution: 'The model gave up' },
      catalog: DEFAULT_CATALOG,
      maxAttempts: 2,
    };
    const first = decideFallback({ ...input, state: initialFallbackState(SONNET, 'moderate') });
    const second = decideFallback({ ...input, state: first.state });
    expect(second.decision).toMatchObject({ action: 'redo', label: expect.stringContaining('not counted') });
    expect(second.state).toMatchObject({ counted: 1, free: 1 });
  });
});
