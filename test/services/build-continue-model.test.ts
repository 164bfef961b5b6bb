/**
 * `br build continue --model` (issue 27, attack): a tier starts on its cheapest model, so with a second
 * model in a tier (added in buildrunner.config.json) `--model <the dearer one>` used to be accepted and
 * the tasks started on the cheaper sibling. Now that is refused; a model its tier starts on is taken.
 */
import { DEFAULT_CATALOG, type ModelEntry } from '../../lib/models';
import { routingStartingOn } from '../../services/build-continue-model';
import { initialModel } from '../../workflows/core/routing';
import type { RoutingSettings } from '../../workflows/core/types';

const sonnet = DEFAULT_CATALOG.models.find((m) => m.id === 'claude-sonnet-5-5')!;
const cheapSonnet: ModelEntry = {
  ...sonnet,
  id: 'claude-sonnet-lite',
  prices: { ...sonnet.prices, input: '1' },
};
const routing: RoutingSettings = {
  tiers: { simple: 'haiku', moderate: 'sonnet', complex: 'sonnet', critical: 'opus' },
  maxAttemptsPerTask: 3,
  catalog: { ...DEFAULT_CATALOG, models: [...DEFAULT_CATALOG.models, cheapSonnet] },
};

it('starts every complexity on the model named when its tier starts on it', () => {
  const next = routingStartingOn(routing, 'claude-opus-5-5');
  for (const c of ['simple', 'moderate', 'complex', 'critical'] as const)
    expect(initialModel(next, c).id).toBe('claude-opus-5-5');
  expect(initialModel(routingStartingOn(routing, 'claude-sonnet-lite'), 'simple').id).toBe(
    'claude-sonnet-lite',
  );
});

it('refuses a model with a cheaper sibling in its tier, naming the one tasks would start on', () => {
  expect(() => routingStartingOn(routing, 'claude-sonnet-5-5')).toThrow(
    /--model claude-sonnet-5-5 cannot be the first model.*claude-sonnet-lite/s,
  );
});

it('refuses a model not in the price table', () => {
  expect(() => routingStartingOn(routing, 'gpt-9')).toThrow(/not in the price table/);
});
