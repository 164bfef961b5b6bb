import { ApplicationFailure } from '@temporalio/common';
import { requireApiKey } from '../activities/api-key';
import { UserError } from '../lib/errors';
import { redactSecrets, secretValuesOf } from '../lib/secrets/redact';
import {
  ADVISORY_NOTE,
  advisoryProblems,
  advisoryPrompt,
  advisorySchema,
  type AdvisoryReport,
  type GapReport,
} from '../lib/gaps';
import { withDatabase, type ServiceContext } from './context';

/**
 * `br gaps analyze --ai`: one structured Claude call over the finished deterministic report, its cost
 * recorded like every Claude call. It never touches the report; a failure comes back as the
 * advisory's `error`, so the report and its exit code stand whatever the API does.
 */
export async function adviseOnGaps(ctx: ServiceContext, report: GapReport): Promise<AdvisoryReport> {
  const [{ createAnthropicClient }, { askStructured }, { defaultPlannerModel }, { callKeyPrefix }] =
    await Promise.all([
      import('../activities/claude/client'),
      import('../activities/claude/structured'),
      import('../activities/claude/planner'),
      import('../activities/claude/activity-context'),
    ]);
  const catalog = ctx.config.models;
  const model = defaultPlannerModel(catalog);
  const base = { advisory: true as const, note: ADVISORY_NOTE, model, costUsd: '0', findings: [] };
  try {
    const { key } = requireApiKey({ env: ctx.env, cwd: ctx.cwd });
    return await withDatabase(ctx, async (db) => {
      const result = await askStructured({
        client: createAnthropicClient(ctx.config, key),
        db,
        catalog,
        scope: {
          purpose: 'gaps-advice',
          requestedModel: model,
          fallbackKeyPrefix: callKeyPrefix(`gaps-advice/${report.spec}`),
        },
        model,
        maxTokens: 4096,
        system:
          'You review the traceability of a software spec for a deterministic gap checker. You add advice; you never restate its findings.',
        // Requirement text, test names and messages come from the repository: masked like tool output.
        prompt: redactSecrets(advisoryPrompt(report), [...secretValuesOf(ctx.env), key]),
        toolName: 'report_advisory',
        toolDescription: 'Report advisory findings about the spec requirements (an empty list when none).',
        schema: advisorySchema,
        check: (answer) => advisoryProblems(report, answer),
        apiKey: key,
      });
      return {
        ...base,
        model: result.servedModel,
        costUsd: result.costUsd.toFixed(),
        findings: result.value.findings,
      };
    });
  } catch (err) {
    const code =
      err instanceof ApplicationFailure
        ? (err.type ?? 'UNKNOWN')
        : err instanceof UserError
          ? (err.code ?? 'UNKNOWN')
          : 'UNKNOWN';
    const details = (err instanceof ApplicationFailure ? err.details?.[0] : undefined) as
      { costUsd?: string } | undefined;
    return {
      ...base,
      costUsd: details?.costUsd ?? '0',
      error: { code, message: (err as Error).message.split('\n')[0] ?? '' },
    };
  }
}
