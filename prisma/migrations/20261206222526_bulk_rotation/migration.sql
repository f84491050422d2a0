-- CreateEnum
CREATE TYPE "IncidentKind" AS ENUM ('revocation', 'rotation');

-- AlterEnum
ALTER TYPE "IncidentItemStatus" ADD VALUE 'skipped';

-- AlterTable
ALTER TABLE "incident_items" ADD COLUMN     "replaced_by_id" UUID;

-- AlterTable
ALTER TABLE "incidents" ADD COLUMN     "kind" "IncidentKind" NOT NULL DEFAULT 'revocation';
