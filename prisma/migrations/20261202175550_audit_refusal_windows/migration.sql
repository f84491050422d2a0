-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "actor_claimed" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "audit_refusal_windows" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "refusals" INTEGER NOT NULL,
    "previous_window_start" TIMESTAMP(3),
    "previous_refusals" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "audit_refusal_windows_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "audit_refusal_windows_window_start_idx" ON "audit_refusal_windows"("window_start");
