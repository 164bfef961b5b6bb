/**
 * The config of the people-in-the-loop gates and of delivery (`approval`, `delivery` in
 * buildrunner.config.json), apart from lib/config.ts so that file stays about the whole shape.
 */
import { z } from 'zod';
import { DELIVERY_MODES } from './delivery';

/** People in the loop: builds wait for `br build approve` / `br build reject` at these gates. */
export const approvalSchema = z.strictObject({
  /** After planning, before any task runs (also `br build start --approve-plan`). */
  plan: z.boolean().default(false),
  /** After every task is done, before the build branch is delivered (needs a `delivery.mode`). */
  delivery: z.boolean().default(false),
  /** An unanswered gate ends after this many hours of workflow time. */
  timeoutHours: z.number().positive().max(8760).default(72),
  /** What an unanswered gate does then: end the build CANCELLED, or go on as if approved. */
  onTimeout: z.enum(['cancel', 'approve']).default('cancel'),
});

/** What a successful build does with its build branch: `none` leaves it there; `merge` merges it into the base. */
export const deliverySchema = z.strictObject({
  mode: z.enum(DELIVERY_MODES).default('none'),
  /** `pull-request`: the GitHub repository (default: from the remote URL) and the token's variable name. */
  github: z
    .strictObject({
      repo: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected "owner/name"')
        .optional(),
      baseUrl: z.string().url().optional(),
      tokenEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
        .optional(),
    })
    .optional(),
});
