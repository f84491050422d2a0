-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "NotificationEvent" ADD VALUE 'drift_detected';
ALTER TYPE "NotificationEvent" ADD VALUE 'push_failed';
ALTER TYPE "NotificationEvent" ADD VALUE 'sync_failed';
ALTER TYPE "NotificationEvent" ADD VALUE 'revocation_open';
ALTER TYPE "NotificationEvent" ADD VALUE 'campaign_started';
ALTER TYPE "NotificationEvent" ADD VALUE 'campaign_due_soon';
ALTER TYPE "NotificationEvent" ADD VALUE 'campaign_overdue';
ALTER TYPE "NotificationEvent" ADD VALUE 'compromised_token_used';

-- AlterTable
ALTER TABLE "webhook_endpoints" ADD COLUMN     "format" TEXT NOT NULL DEFAULT 'json';

-- CreateIndex
CREATE INDEX "push_runs_status_finished_at_idx" ON "push_runs"("status", "finished_at");
