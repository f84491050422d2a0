-- CreateTable
CREATE TABLE "audit_chain_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "mac" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "audit_chain_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_chain_checkpoints_seq_idx" ON "audit_chain_checkpoints"("seq");

-- CreateIndex
CREATE INDEX "audit_events_action_seq_idx" ON "audit_events"("action", "seq");

-- Checkpoints are evidence like the log itself: the database refuses to change or remove one
-- (the server's role may only INSERT and SELECT them, lib/db/privileges.ts).
CREATE FUNCTION keywarden_audit_checkpoints_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain_checkpoints is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_chain_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON "audit_chain_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION keywarden_audit_checkpoints_append_only();

CREATE TRIGGER audit_chain_checkpoints_no_truncate
  BEFORE TRUNCATE ON "audit_chain_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION keywarden_audit_checkpoints_append_only();
