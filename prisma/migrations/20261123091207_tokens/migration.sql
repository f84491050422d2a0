-- CreateEnum
CREATE TYPE "TokenStatus" AS ENUM ('active', 'superseded', 'revoked', 'compromised');

-- CreateEnum
CREATE TYPE "PushRunStatus" AS ENUM ('running', 'succeeded', 'partial', 'failed');

-- CreateEnum
CREATE TYPE "PushStepStatus" AS ENUM ('pending', 'in_progress', 'succeeded', 'failed', 'unknown');

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "machine_user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "last_four" TEXT NOT NULL,
    "status" "TokenStatus" NOT NULL DEFAULT 'active',
    "rotate_by" TIMESTAMP(3) NOT NULL,
    "platformsh_token_id" TEXT,
    "remote_created_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    "mfa_on_creation" BOOLEAN,
    "recorded_by_id" UUID,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status_changed_at" TIMESTAMP(3),
    "superseded_by_id" UUID,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_runs" (
    "id" UUID NOT NULL,
    "machine_user_id" UUID NOT NULL,
    "token_id" UUID NOT NULL,
    "status" "PushRunStatus" NOT NULL DEFAULT 'running',
    "active_machine_user_id" UUID,
    "visible_build" BOOLEAN NOT NULL,
    "started_by_id" UUID,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "push_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_steps" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "environment_id" TEXT NOT NULL,
    "environment_type" TEXT NOT NULL,
    "status" "PushStepStatus" NOT NULL DEFAULT 'pending',
    "operation" TEXT,
    "replaced_foreign" BOOLEAN NOT NULL DEFAULT false,
    "activity_ids" TEXT[],
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "push_steps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_fingerprint_key" ON "api_tokens"("fingerprint");

-- CreateIndex
CREATE INDEX "api_tokens_machine_user_id_status_idx" ON "api_tokens"("machine_user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "push_runs_active_machine_user_id_key" ON "push_runs"("active_machine_user_id");

-- CreateIndex
CREATE INDEX "push_runs_machine_user_id_started_at_idx" ON "push_runs"("machine_user_id", "started_at");

-- CreateIndex
CREATE INDEX "push_runs_token_id_idx" ON "push_runs"("token_id");

-- CreateIndex
CREATE INDEX "push_steps_project_id_environment_id_status_idx" ON "push_steps"("project_id", "environment_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "push_steps_run_id_environment_id_key" ON "push_steps"("run_id", "environment_id");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_machine_user_id_fkey" FOREIGN KEY ("machine_user_id") REFERENCES "machine_users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_runs" ADD CONSTRAINT "push_runs_machine_user_id_fkey" FOREIGN KEY ("machine_user_id") REFERENCES "machine_users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_runs" ADD CONSTRAINT "push_runs_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "api_tokens"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_steps" ADD CONSTRAINT "push_steps_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "push_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
