-- CreateEnum
CREATE TYPE "ReviewCampaignState" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "ReviewDecisionKind" AS ENUM ('keep', 'change', 'remove');

-- CreateTable
CREATE TABLE "review_campaigns" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "due_on" DATE NOT NULL,
    "all_projects" BOOLEAN NOT NULL,
    "project_ids" TEXT[],
    "state" "ReviewCampaignState" NOT NULL DEFAULT 'open',
    "created_by_id" UUID NOT NULL,
    "created_by_email" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMP(3),
    "closed_by_id" UUID,
    "closed_by_email" TEXT,

    CONSTRAINT "review_campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_items" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "machine_user_id" UUID NOT NULL,
    "project_id" TEXT NOT NULL,
    "project_title" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "purpose" "MachinePurpose" NOT NULL,
    "machine_user_state" "MachineUserState" NOT NULL,
    "permissions" TEXT[],
    "owner_id" UUID NOT NULL,
    "owner_email" TEXT NOT NULL,
    "backup_owner_id" UUID,
    "backup_owner_email" TEXT,
    "tokens" JSONB NOT NULL,
    "findings" JSONB NOT NULL,
    "finding_count" INTEGER NOT NULL,
    "snapshot_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "review_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_decisions" (
    "item_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "kind" "ReviewDecisionKind" NOT NULL,
    "note" TEXT,
    "reviewer_id" UUID NOT NULL,
    "reviewer_email" TEXT NOT NULL,
    "decided_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "review_decisions_pkey" PRIMARY KEY ("item_id")
);

-- CreateTable
CREATE TABLE "review_tasks" (
    "item_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "machine_user_id" UUID NOT NULL,
    "kind" "ReviewDecisionKind" NOT NULL,
    "note" TEXT NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "requested_by_email" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "done_at" TIMESTAMP(3),
    "done_by_id" UUID,
    "done_by_email" TEXT,

    CONSTRAINT "review_tasks_pkey" PRIMARY KEY ("item_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "review_campaigns_name_key" ON "review_campaigns"("name");

-- CreateIndex
CREATE INDEX "review_campaigns_state_due_on_idx" ON "review_campaigns"("state", "due_on");

-- CreateIndex
CREATE INDEX "review_items_campaign_id_project_title_email_idx" ON "review_items"("campaign_id", "project_title", "email");

-- CreateIndex
CREATE INDEX "review_items_machine_user_id_idx" ON "review_items"("machine_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "review_items_campaign_id_machine_user_id_key" ON "review_items"("campaign_id", "machine_user_id");

-- CreateIndex
CREATE INDEX "review_decisions_campaign_id_reviewer_id_idx" ON "review_decisions"("campaign_id", "reviewer_id");

-- CreateIndex
CREATE INDEX "review_tasks_machine_user_id_done_at_idx" ON "review_tasks"("machine_user_id", "done_at");

-- CreateIndex
CREATE INDEX "review_tasks_campaign_id_done_at_idx" ON "review_tasks"("campaign_id", "done_at");

-- AddForeignKey
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "review_campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "review_items"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "review_campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "review_items"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "review_campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Closing a campaign freezes it, in the database itself (the domain checks first and says so in
-- words; these refuse whatever slips past it). Items are a snapshot: never changed or removed, and
-- none added once the campaign is closed. Decisions change only while their campaign is open. A
-- closed campaign is never reopened, renamed or removed. Tasks stay writable: the work follows the review.
CREATE FUNCTION keywarden_review_campaign_is_open(campaign UUID) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM "review_campaigns" WHERE "id" = campaign AND "state" = 'open');
$$ LANGUAGE sql STABLE;

CREATE FUNCTION keywarden_review_items_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NOT keywarden_review_campaign_is_open(NEW."campaign_id") THEN
      RAISE EXCEPTION 'review campaign % is closed: its items are frozen', NEW."campaign_id";
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'review_items is a snapshot (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_items_frozen
  BEFORE INSERT OR UPDATE OR DELETE ON "review_items"
  FOR EACH ROW EXECUTE FUNCTION keywarden_review_items_frozen();

CREATE FUNCTION keywarden_review_decisions_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND NOT keywarden_review_campaign_is_open(OLD."campaign_id") THEN
    RAISE EXCEPTION 'review campaign % is closed: its decisions are frozen', OLD."campaign_id";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NOT keywarden_review_campaign_is_open(NEW."campaign_id") THEN
    RAISE EXCEPTION 'review campaign % is closed: its decisions are frozen', NEW."campaign_id";
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_decisions_frozen
  BEFORE INSERT OR UPDATE OR DELETE ON "review_decisions"
  FOR EACH ROW EXECUTE FUNCTION keywarden_review_decisions_frozen();

CREATE FUNCTION keywarden_review_campaigns_frozen() RETURNS trigger AS $$
BEGIN
  IF OLD."state" = 'closed' THEN
    RAISE EXCEPTION 'review campaign % is closed (% refused)', OLD."id", TG_OP;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_campaigns_frozen
  BEFORE UPDATE OR DELETE ON "review_campaigns"
  FOR EACH ROW EXECUTE FUNCTION keywarden_review_campaigns_frozen();

CREATE TRIGGER review_items_no_truncate
  BEFORE TRUNCATE ON "review_items"
  FOR EACH STATEMENT EXECUTE FUNCTION keywarden_review_items_frozen();
