-- CreateTable
CREATE TABLE "Build" (
    "id" TEXT NOT NULL,
    "project" TEXT NOT NULL,
    "specPath" TEXT NOT NULL,
    "specHash" TEXT NOT NULL,
    "repoPath" TEXT NOT NULL,
    "baseBranch" TEXT NOT NULL,
    "buildBranch" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "budgetUsd" DECIMAL(20,10) NOT NULL,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "parallel" INTEGER NOT NULL,
    "taskCount" INTEGER NOT NULL DEFAULT 0,
    "summary" JSONB,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Build_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "buildId" TEXT NOT NULL,
    "taskKey" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "complexity" TEXT,
    "model" TEXT,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "dependsOn" TEXT[],
    "files" TEXT[],
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskAttempt" (
    "id" BIGSERIAL NOT NULL,
    "buildId" TEXT NOT NULL,
    "taskKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "failureClass" TEXT,
    "decision" TEXT,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "detail" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "TaskAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CostEntry" (
    "id" BIGSERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "buildId" TEXT,
    "taskKey" TEXT,
    "attempt" INTEGER,
    "purpose" TEXT NOT NULL,
    "requestedModel" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "priceTableVersion" TEXT NOT NULL,
    "inputTokens" INTEGER NOT NULL,
    "outputTokens" INTEGER NOT NULL,
    "cacheWriteTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
    "usd" DECIMAL(20,10) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CostEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TelemetryEvent" (
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "buildId" TEXT,
    "taskKey" TEXT,
    "model" TEXT,
    "data" JSONB,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dedupeKey" TEXT,

    CONSTRAINT "TelemetryEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricsBucket" (
    "id" BIGSERIAL NOT NULL,
    "period" TEXT NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "model" TEXT NOT NULL DEFAULT '*',
    "tasksStarted" INTEGER NOT NULL DEFAULT 0,
    "tasksSucceeded" INTEGER NOT NULL DEFAULT 0,
    "tasksFailed" INTEGER NOT NULL DEFAULT 0,
    "tasksEscalated" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWriteTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheReadTokens" BIGINT NOT NULL DEFAULT 0,
    "taskDurations" INTEGER NOT NULL DEFAULT 0,
    "durationSumMs" BIGINT NOT NULL DEFAULT 0,
    "durationAvgMs" INTEGER,
    "durationP95Ms" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MetricsBucket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Feature" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "status" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "buildId" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Feature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaintenanceRun" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "runKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "stats" JSONB,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "MaintenanceRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaintenanceCursor" (
    "kind" TEXT NOT NULL,
    "position" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MaintenanceCursor_pkey" PRIMARY KEY ("kind")
);

-- CreateIndex
CREATE INDEX "Build_project_status_idx" ON "Build"("project", "status");

-- CreateIndex
CREATE INDEX "Build_status_startedAt_idx" ON "Build"("status", "startedAt");

-- CreateIndex
CREATE INDEX "Build_startedAt_idx" ON "Build"("startedAt");

-- CreateIndex
CREATE INDEX "Task_status_idx" ON "Task"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Task_buildId_taskKey_key" ON "Task"("buildId", "taskKey");

-- CreateIndex
CREATE INDEX "TaskAttempt_model_startedAt_idx" ON "TaskAttempt"("model", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TaskAttempt_buildId_taskKey_attempt_key" ON "TaskAttempt"("buildId", "taskKey", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "CostEntry_idempotencyKey_key" ON "CostEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "CostEntry_createdAt_idx" ON "CostEntry"("createdAt");

-- CreateIndex
CREATE INDEX "CostEntry_buildId_taskKey_idx" ON "CostEntry"("buildId", "taskKey");

-- CreateIndex
CREATE INDEX "CostEntry_model_createdAt_idx" ON "CostEntry"("model", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "TelemetryEvent_dedupeKey_key" ON "TelemetryEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "TelemetryEvent_occurredAt_idx" ON "TelemetryEvent"("occurredAt");

-- CreateIndex
CREATE INDEX "TelemetryEvent_recordedAt_idx" ON "TelemetryEvent"("recordedAt");

-- CreateIndex
CREATE INDEX "TelemetryEvent_buildId_occurredAt_idx" ON "TelemetryEvent"("buildId", "occurredAt");

-- CreateIndex
CREATE INDEX "TelemetryEvent_type_occurredAt_idx" ON "TelemetryEvent"("type", "occurredAt");

-- CreateIndex
CREATE INDEX "MetricsBucket_period_bucketStart_idx" ON "MetricsBucket"("period", "bucketStart");

-- CreateIndex
CREATE UNIQUE INDEX "MetricsBucket_period_bucketStart_model_key" ON "MetricsBucket"("period", "bucketStart", "model");

-- CreateIndex
CREATE UNIQUE INDEX "MaintenanceRun_runKey_key" ON "MaintenanceRun"("runKey");

-- CreateIndex
CREATE INDEX "MaintenanceRun_kind_startedAt_idx" ON "MaintenanceRun"("kind", "startedAt");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build"("id") ON DELETE CASCADE ON UPDATE CASCADE;

