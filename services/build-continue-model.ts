import { UserError } from '../lib/errors';
import { modelsOfTier } from '../lib/models';
import { initialModel } from '../workflows/core/routing';
import type { RoutingSettings } from '../workflows/core/types';

/**
 * `br build continue --model`: the routing whose every complexity starts on that model's tier. A tier
 * starts on its cheapest model, so a model with a cheaper sibling in its tier (a second model added in
 * buildrunner.config.json) is refused: the tasks would start on the sibling, not on the model asked for.
 */
export function routingStartingOn(routing: RoutingSettings, modelId: string): RoutingSettings {
  const model = routing.catalog.models.find((m) => m.id === modelId);
  if (!model)
    throw new UserError(
      `--model ${modelId} is not in the price table (models: ${routing.catalog.models.map((m) => m.id).join(', ')}).`,
      { code: 'CONFIG_INVALID' },
    );
  const tiers = Object.fromEntries(Object.keys(routing.tiers).map((level) => [level, model.tier]));
  const next = { ...routing, tiers: tiers as RoutingSettings['tiers'] };
  const starts = initialModel(next, 'simple');
  if (starts.id !== model.id)
    throw new UserError(
      `--model ${modelId} cannot be the first model: a task of tier ${model.tier} starts on its cheapest ` +
        `model, ${starts.id} (tier ${model.tier}: ${modelsOfTier(routing.catalog, model.tier)
          .map((m) => m.id)
          .join(', ')}). Name ${starts.id}, or another tier's model.`,
      { code: 'CONFIG_INVALID' },
    );
  return next;
}
