-- Trigram indexes for the lists' `ILIKE '%…%'` searches (issue 19). pg_trgm is a trusted extension
-- (PostgreSQL 13+): the database's owner creates it without being a superuser. PGlite loads its
-- files at start (lib/db/pglite.ts). Added by hand: the schema engine does not write extensions.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "api_tokens_name_trgm_idx" ON "api_tokens" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "machine_users_email_trgm_idx" ON "machine_users" USING GIN ("email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "projects_title_trgm_idx" ON "projects" USING GIN ("title" gin_trgm_ops);
