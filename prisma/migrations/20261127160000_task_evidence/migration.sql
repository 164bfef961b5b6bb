-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "features" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "mergeCommit" TEXT,
ADD COLUMN     "requirementIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "verification" TEXT;

