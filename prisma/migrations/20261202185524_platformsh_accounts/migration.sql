-- CreateTable
CREATE TABLE "platformsh_accounts" (
    "id" TEXT NOT NULL,
    "email" TEXT,
    "display_name" TEXT,
    "seen_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "platformsh_accounts_pkey" PRIMARY KEY ("id")
);
