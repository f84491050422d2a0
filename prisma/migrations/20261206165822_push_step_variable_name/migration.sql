-- The variable each push step set or deleted. Every step journalled before this migration set or
-- deleted env:PLATFORMSH_CLI_TOKEN (the only name Keywarden pushed then): the default says so.
-- AlterTable
ALTER TABLE "push_steps" ADD COLUMN     "moved_from" TEXT,
ADD COLUMN     "variable_name" TEXT NOT NULL DEFAULT 'env:PLATFORMSH_CLI_TOKEN';
