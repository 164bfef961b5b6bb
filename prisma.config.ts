// Configuration for the Prisma CLI (generate, migrate diff, migrate deploy). The CLI runs its bundled
// Wasm schema engine through a driver adapter, so nothing is downloaded (see prisma/cli.js).
// Without PRISMA_DEV_DATABASE_URL it works against a throw-away in-memory PGlite.
import { defineConfig } from 'prisma/config';
import type { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const url = process.env.PRISMA_DEV_DATABASE_URL;
    if (url) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: url });
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    // Typed against an older driver-adapter-utils; same runtime contract (see lib/db/connection.ts).
    return new PrismaPGlite(new PGlite()) as unknown as PrismaPg;
  },
});
