-- CreateEnum
CREATE TYPE "SessionPendingStep" AS ENUM ('second_factor', 'enrolment');

-- CreateEnum
CREATE TYPE "SecondFactorKind" AS ENUM ('totp');

-- CreateEnum
CREATE TYPE "SecondFactorRequirement" AS ENUM ('admins', 'everyone', 'nobody');

-- AlterTable
ALTER TABLE "organisation_policy" ADD COLUMN     "second_factor_required_for" "SecondFactorRequirement" NOT NULL DEFAULT 'admins';

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "pending_step" "SessionPendingStep";

-- CreateTable
CREATE TABLE "second_factors" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" "SecondFactorKind" NOT NULL,
    "label" TEXT NOT NULL,
    "encrypted_secret" TEXT NOT NULL,
    "last_used_step" INTEGER,
    "confirmed_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "second_factors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recovery_codes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "digest" TEXT NOT NULL,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recovery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "second_factors_user_id_idx" ON "second_factors"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "recovery_codes_digest_key" ON "recovery_codes"("digest");

-- CreateIndex
CREATE INDEX "recovery_codes_user_id_idx" ON "recovery_codes"("user_id");

-- AddForeignKey
ALTER TABLE "second_factors" ADD CONSTRAINT "second_factors_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
