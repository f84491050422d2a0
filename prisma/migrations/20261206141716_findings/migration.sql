-- CreateEnum
CREATE TYPE "FindingSeverity" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateTable
CREATE TABLE "findings" (
    "id" UUID NOT NULL,
    "rule_id" TEXT NOT NULL,
    "subject_key" TEXT NOT NULL,
    "severity" "FindingSeverity" NOT NULL,
    "project_id" TEXT,
    "environment_id" TEXT,
    "machine_user_id" UUID,
    "token_id" UUID,
    "platformsh_user_id" TEXT,
    "evidence" JSONB NOT NULL,
    "first_seen_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "resolved_at" TIMESTAMP(3),
    "accepted_until" TIMESTAMP(3),
    "accepted_by_id" UUID,
    "accepted_reason" TEXT,

    CONSTRAINT "findings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organisation_policy" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "values" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "updated_by_id" UUID,

    CONSTRAINT "organisation_policy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "findings_rule_id_subject_key_idx" ON "findings"("rule_id", "subject_key");

-- CreateIndex
CREATE INDEX "findings_resolved_at_severity_idx" ON "findings"("resolved_at", "severity");

-- CreateIndex
CREATE INDEX "findings_machine_user_id_idx" ON "findings"("machine_user_id");

-- CreateIndex
CREATE INDEX "findings_project_id_idx" ON "findings"("project_id");

-- CreateIndex
CREATE INDEX "findings_token_id_idx" ON "findings"("token_id");
