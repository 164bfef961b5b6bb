-- The dashboard's first screen and live feed: the latest build of each repository, and what changed last.
-- CreateIndex
CREATE INDEX "Build_repoPath_startedAt_idx" ON "Build"("repoPath", "startedAt");

-- CreateIndex
CREATE INDEX "Build_updatedAt_idx" ON "Build"("updatedAt");

-- CreateIndex
CREATE INDEX "Task_updatedAt_idx" ON "Task"("updatedAt");
