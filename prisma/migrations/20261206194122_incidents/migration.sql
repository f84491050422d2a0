-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('planned', 'running', 'finished');

-- CreateEnum
CREATE TYPE "IncidentItemStatus" AS ENUM ('pending', 'running', 'done', 'partial', 'failed');

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "reason" TEXT,
    "filter" JSONB NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'planned',
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dry_run_at" TIMESTAMP(3),
    "started_by_id" UUID,
    "started_at" TIMESTAMP(3),
    "heartbeat_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "report" JSONB,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident_items" (
    "id" UUID NOT NULL,
    "incident_id" UUID NOT NULL,
    "token_id" UUID NOT NULL,
    "machine_user_id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "status" "IncidentItemStatus" NOT NULL DEFAULT 'pending',
    "variables" JSONB NOT NULL,
    "dry_run" JSONB,
    "remaining" JSONB,
    "open_tasks" TEXT[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "incident_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "incidents_created_at_idx" ON "incidents"("created_at");

-- CreateIndex
CREATE INDEX "incident_items_incident_id_status_idx" ON "incident_items"("incident_id", "status");

-- CreateIndex
CREATE INDEX "incident_items_token_id_idx" ON "incident_items"("token_id");

-- CreateIndex
CREATE UNIQUE INDEX "incident_items_incident_id_token_id_key" ON "incident_items"("incident_id", "token_id");

-- AddForeignKey
ALTER TABLE "incident_items" ADD CONSTRAINT "incident_items_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
