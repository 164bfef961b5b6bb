import Decimal from 'decimal.js';
import { parseConfig } from '../../../lib/config';
import { estimateTask } from '../../../lib/estimate/heuristic';
import { DEFAULT_CATALOG, TIER_ORDER, modelsOfTier, type ModelTier } from '../../../lib/models';
import type { Complexity } from '../../../lib/plan';
import { estimateAttemptUsd, initialModel, strongerModel } from '../../../workflows/core/routing';
import { DEFAULT_TIERS } from '../../../workflows/core/types';

const LEVELS: Complexity[] = ['simple', 'moderate', 'complex', 'critical'];
const settings = { tiers: DEFAULT_TIERS, maxAttemptsPerTask: 4, catalog: DEFAULT_CATALOG };
const attemptUsd = (tier: ModelTier, level: Complexity) =>
  new Decimal(estimateAttemptUsd(modelsOfTier(DEFAULT_CATALOG, tier)[0]!, level));

describe('default routing', () => {
  it('is the same in the config defaults and in the workflow defaults', () => {
    const { routing } = parseConfig({});
    expect({
      simple: routing.simple,
      moderate: routing.moderate,
      complex: routing.complex,
      critical: routing.critical,
    }).toEqual(DEFAULT_TIERS);
  });

  it('is the tier the heuristic estimator recommends for each level', () => {
    const described = (words: number, files: string[]) => ({
      id: 't',
      title: 'Build it',
      description: Array.from({ length: words }, (_, i) => `w${i}`).join(' '),
      acceptance: [],
      dependsOn: [],
      files,
    });
    const estimates = [
      estimateTask(described(10, [])),
      estimateTask(described(200, ['a.ts'])),
      estimateTask({ ...described(200, ['a.ts', 'b.ts', 'c.ts', 'd.ts']), dependsOn: ['x'] }),
      estimateTask({ ...described(200, ['a.ts', 'b.ts', 'c.ts']), title: 'Add login and payments' }),
    ];
    expect(estimates.map((e) => e.level)).toEqual(LEVELS);
    expect(estimates.map((e) => e.recommendedTier)).toEqual(LEVELS.map((l) => DEFAULT_TIERS[l]));
  });

  it('starts simple and moderate tasks on haiku and complex and critical ones on sonnet', () => {
    expect(LEVELS.map((l) => initialModel(settings, l).id)).toEqual([
      'claude-haiku-5-5',
      'claude-haiku-5-5',
      'claude-sonnet-5-5',
      'claude-sonnet-5-5',
    ]);
  });

  it('leaves a stronger model to escalate to from every starting model', () => {
    for (const level of LEVELS)
      expect(strongerModel(DEFAULT_CATALOG, initialModel(settings, level))).not.toBeNull();
  });

  it('starts every level on a tier whose attempt costs at most about half (≤ 0.55×) of one on the tier above (the reason for starting there)', () => {
    for (const level of LEVELS) {
      const start = DEFAULT_TIERS[level];
      const above = TIER_ORDER[TIER_ORDER.indexOf(start) + 1]!;
      expect(attemptUsd(start, level).div(attemptUsd(above, level)).toNumber()).toBeLessThanOrEqual(0.55);
    }
  });

  it('prices a haiku attempt at a twentieth of a sonnet attempt and a sonnet attempt at half an opus one, for a moderate task', () => {
    expect(attemptUsd('haiku', 'moderate').div(attemptUsd('sonnet', 'moderate')).toNumber()).toBeCloseTo(
      0.05,
      2,
    );
    expect(attemptUsd('sonnet', 'moderate').div(attemptUsd('opus', 'moderate')).toNumber()).toBeCloseTo(
      0.52,
      2,
    );
  });
});
