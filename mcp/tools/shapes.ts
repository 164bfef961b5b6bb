import { z } from 'zod';

/** Paging arguments and the page a listing returns (see respond.ts paginate). */
export const pageInput = {
  offset: z.number().int().min(0).max(1e6).optional(),
  limit: z.number().int().min(1).max(100).optional(),
};

/** Listed by its one field an agent must read; offset, limit and total come along (a loose object). */
export const pageOutput = { page: z.looseObject({ nextOffset: z.number().nullable() }) };

/** A row of a list, named by its key fields; the rest of the row is the service's data as it is. */
export const row = (key: string) => z.looseObject({ [key]: z.string() });
