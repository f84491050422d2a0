-- CreateEnum
CREATE TYPE "TokenMintStatus" AS ENUM ('requested', 'minted', 'refused', 'failed', 'discarded');

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "mint_policy_unmet" TEXT,
ADD COLUMN     "minted" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "token_mints" (
    "id" UUID NOT NULL,
    "machine_user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "TokenMintStatus" NOT NULL DEFAULT 'requested',
    "platformsh_token_id" TEXT,
    "token_id" UUID,
    "bootstrap_fingerprint" TEXT NOT NULL,
    "bootstrap_last_four" TEXT NOT NULL,
    "bootstrap_platformsh_token_id" TEXT,
    "bootstrap_deleted_at" TIMESTAMP(3),
    "error" TEXT,
    "requested_by_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "token_mints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "token_mints_machine_user_id_status_idx" ON "token_mints"("machine_user_id", "status");

-- CreateIndex
CREATE INDEX "token_mints_token_id_idx" ON "token_mints"("token_id");

-- CreateIndex
CREATE UNIQUE INDEX "token_mints_machine_user_id_name_key" ON "token_mints"("machine_user_id", "name");
