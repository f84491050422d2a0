-- CreateIndex
CREATE INDEX "push_steps_project_id_environment_id_updated_at_idx" ON "push_steps"("project_id", "environment_id", "updated_at" DESC);
