-- AlterTable
ALTER TABLE "push_steps" ADD COLUMN     "redeploy_checked_at" TIMESTAMP(3),
ADD COLUMN     "redeploy_follow_ended_at" TIMESTAMP(3),
ADD COLUMN     "redeploy_percent" INTEGER,
ADD COLUMN     "redeploy_result" TEXT,
ADD COLUMN     "redeploy_state" TEXT;
