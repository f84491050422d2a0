-- CreateEnum
CREATE TYPE "EnvironmentType" AS ENUM ('production', 'staging', 'development');

-- CreateEnum
CREATE TYPE "MachinePurpose" AS ENUM ('backups', 'ci_tests', 'source_operations', 'certificate_renewal', 'custom');

-- CreateEnum
CREATE TYPE "MachineUserState" AS ENUM ('invited', 'active', 'cancelled', 'error', 'removed');

-- CreateEnum
CREATE TYPE "SyncTrigger" AS ENUM ('manual', 'scheduled');

-- CreateEnum
CREATE TYPE "SyncRunStatus" AS ENUM ('running', 'succeeded', 'partial', 'failed', 'interrupted');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "default_branch" TEXT,
ADD COLUMN     "development_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "environment_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "last_sync_error" TEXT,
ADD COLUMN     "last_sync_error_at" TIMESTAMP(3),
ADD COLUMN     "last_synced_at" TIMESTAMP(3),
ADD COLUMN     "missing_since" TIMESTAMP(3),
ADD COLUMN     "organization_id" TEXT,
ADD COLUMN     "production_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "remote_updated_at" TIMESTAMP(3),
ADD COLUMN     "staging_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "status" TEXT,
ADD COLUMN     "token_on_production" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "environments" (
    "project_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "type" "EnvironmentType" NOT NULL,
    "status" TEXT NOT NULL,
    "parent" TEXT,
    "is_main" BOOLEAN NOT NULL DEFAULT false,
    "remote_updated_at" TIMESTAMP(3),
    "variables_read_at" TIMESTAMP(3),

    CONSTRAINT "environments_pkey" PRIMARY KEY ("project_id","id")
);

-- CreateTable
CREATE TABLE "token_variables" (
    "id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "environment_id" TEXT,
    "name" TEXT NOT NULL,
    "is_sensitive" BOOLEAN NOT NULL,
    "is_inheritable" BOOLEAN NOT NULL,
    "is_enabled" BOOLEAN NOT NULL,
    "visible_build" BOOLEAN NOT NULL,
    "visible_runtime" BOOLEAN NOT NULL,
    "inherited" BOOLEAN NOT NULL,
    "remote_created_at" TIMESTAMP(3),
    "remote_updated_at" TIMESTAMP(3),

    CONSTRAINT "token_variables_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_user_access" (
    "project_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "permissions" TEXT[],
    "granted_at" TIMESTAMP(3),
    "remote_updated_at" TIMESTAMP(3),

    CONSTRAINT "project_user_access_pkey" PRIMARY KEY ("project_id","user_id")
);

-- CreateTable
CREATE TABLE "machine_users" (
    "id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "purpose" "MachinePurpose" NOT NULL,
    "email" TEXT NOT NULL,
    "permissions" TEXT[],
    "needs_ssh_key" BOOLEAN NOT NULL DEFAULT false,
    "state" "MachineUserState" NOT NULL DEFAULT 'invited',
    "invitation_id" TEXT,
    "invitation_state" TEXT,
    "invitation_sent_at" TIMESTAMP(3),
    "platformsh_user_id" TEXT,
    "owner_id" UUID NOT NULL,
    "backup_owner_id" UUID,
    "reuse_reason" TEXT,
    "last_error" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "removed_at" TIMESTAMP(3),

    CONSTRAINT "machine_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" UUID NOT NULL,
    "trigger" "SyncTrigger" NOT NULL,
    "full" BOOLEAN NOT NULL,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'running',
    "requested_by_id" UUID,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "projects_total" INTEGER,
    "projects_done" INTEGER NOT NULL DEFAULT 0,
    "projects_failed" INTEGER NOT NULL DEFAULT 0,
    "environments_seen" INTEGER NOT NULL DEFAULT 0,
    "variable_reads" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_failures" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "project_title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_failures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "job_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "token_variables_project_id_environment_id_idx" ON "token_variables"("project_id", "environment_id");

-- CreateIndex
CREATE INDEX "project_user_access_user_id_idx" ON "project_user_access"("user_id");

-- CreateIndex
CREATE INDEX "machine_users_project_id_state_idx" ON "machine_users"("project_id", "state");

-- CreateIndex
CREATE INDEX "machine_users_email_idx" ON "machine_users"("email");

-- CreateIndex
CREATE INDEX "machine_users_platformsh_user_id_idx" ON "machine_users"("platformsh_user_id");

-- CreateIndex
CREATE INDEX "sync_runs_started_at_idx" ON "sync_runs"("started_at");

-- CreateIndex
CREATE INDEX "sync_failures_run_id_idx" ON "sync_failures"("run_id");

-- CreateIndex
CREATE INDEX "projects_last_synced_at_idx" ON "projects"("last_synced_at");

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "token_variables" ADD CONSTRAINT "token_variables_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_user_access" ADD CONSTRAINT "project_user_access_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "machine_users" ADD CONSTRAINT "machine_users_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "machine_users" ADD CONSTRAINT "machine_users_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "machine_users" ADD CONSTRAINT "machine_users_backup_owner_id_fkey" FOREIGN KEY ("backup_owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_failures" ADD CONSTRAINT "sync_failures_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
