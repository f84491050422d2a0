-- AlterEnum
ALTER TYPE "MachineUserState" ADD VALUE 'expired';

-- AlterTable
ALTER TABLE "machine_users" ADD COLUMN     "checked_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "dashboard_account" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "user_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "checked_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dashboard_account_pkey" PRIMARY KEY ("id")
);
