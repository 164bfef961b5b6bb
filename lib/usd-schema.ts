import { z } from 'zod';
import { positiveUsdProblem, toPositiveUsd, toUsd } from './usd';

/** lib/usd.ts for the MCP tools and the config file. */

/** A non-negative amount (a price) as a decimal string such as "3.00"; 0 is a price. */
export const usdSchema = z
  .string()
  .refine((value) => toUsd(value) !== null, 'expected a non-negative decimal string such as "3.00"');

/**
 * A budget or a raise: above zero, given as a decimal string ("12.50") or a JSON number (12.5); parsed,
 * the exact decimal string, so services never see a float.
 */
export function positiveUsdSchema(example?: string) {
  const problem = (value: unknown) => positiveUsdProblem(value, example);
  return z
    .union([z.string(), z.number()], { error: (issue) => problem(issue.input) })
    .transform((value, ctx) => {
      const usd = toPositiveUsd(value);
      if (usd === null) ctx.addIssue({ code: 'custom', message: problem(value), input: value });
      return usd ?? z.NEVER;
    });
}
