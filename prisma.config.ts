// Prisma CLI configuration. Only `prisma generate` runs through the CLI here: migrations are applied
// and written by Keywarden's own runner on the WebAssembly schema engine (see lib/db/migrate.ts),
// because the CLI's native engine cannot be downloaded on offline machines.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
