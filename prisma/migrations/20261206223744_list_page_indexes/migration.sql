-- CreateIndex
CREATE INDEX "api_tokens_status_rotate_by_id_idx" ON "api_tokens"("status", "rotate_by", "id");

-- CreateIndex
CREATE INDEX "machine_users_owner_id_idx" ON "machine_users"("owner_id");

-- CreateIndex
CREATE INDEX "machine_users_backup_owner_id_idx" ON "machine_users"("backup_owner_id");
