-- AlterTable
ALTER TABLE "machine_users" ADD COLUMN     "token_list_seen_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "remote_api_tokens" (
    "machine_user_id" UUID NOT NULL,
    "platformsh_token_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "remote_created_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    "mfa_on_creation" BOOLEAN NOT NULL,
    "seen_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "remote_api_tokens_pkey" PRIMARY KEY ("machine_user_id","platformsh_token_id")
);

-- AddForeignKey
ALTER TABLE "remote_api_tokens" ADD CONSTRAINT "remote_api_tokens_machine_user_id_fkey" FOREIGN KEY ("machine_user_id") REFERENCES "machine_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
