-- A cost row is written before each Claude request (settled = false: input estimated, output at max_tokens)
-- and settled with the answer's exact usage; a worker killed with requests in flight leaves unsettled rows.
-- AlterTable
ALTER TABLE "CostEntry" ADD COLUMN "settled" BOOLEAN NOT NULL DEFAULT true;

-- CreateIndex
CREATE INDEX "CostEntry_buildId_settled_idx" ON "CostEntry"("buildId", "settled");
