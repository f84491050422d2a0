-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "last_used_seen_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "machine_users" ADD COLUMN     "accepted_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "onboarding_confirmations" (
    "id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "confirmed_by_id" UUID,
    "confirmed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT,

    CONSTRAINT "onboarding_confirmations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "onboarding_confirmations_project_id_confirmed_at_idx" ON "onboarding_confirmations"("project_id", "confirmed_at");

-- AddForeignKey
ALTER TABLE "onboarding_confirmations" ADD CONSTRAINT "onboarding_confirmations_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "onboarding_confirmations" ADD CONSTRAINT "onboarding_confirmations_confirmed_by_id_fkey" FOREIGN KEY ("confirmed_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
