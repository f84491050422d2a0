-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "deleted_on_platform_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "push_runs" ADD COLUMN     "rotates_token_id" UUID;
