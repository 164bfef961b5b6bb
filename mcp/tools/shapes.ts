import { z } from 'zod';

/** Paging arguments and the page a listing returns (see respond.ts paginate). */
export const pageInput = {
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(100).optional(),
};

export const pageOutput = {
  page: z.object({
    offset: z.number(),
    limit: z.number(),
    total: z.number(),
    nextOffset: z.number().nullable(),
  }),
};
