// The reviewer's Inventory's URL (issue 15 §1), parsed. Never fails: a hand-edited URL falls back to
// the defaults rather than an error page. The option lists live in lib/review/inventory-query.ts.
import { z } from 'zod';
import { PURPOSES } from '@/lib/machine-users/roles';
import {
  INVENTORY_AGE_BUCKETS,
  INVENTORY_FINDING_FILTERS,
  INVENTORY_MANAGED_FILTERS,
  INVENTORY_ROLE_FILTERS,
  INVENTORY_SORTS,
  INVENTORY_STATE_FILTERS,
  INVENTORY_TOKEN_STATUSES,
  OWNER_DISABLED,
  type InventoryQuery,
} from '@/lib/review/inventory-query';
import { textSchema } from './text';

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) => z.enum(values).catch(fallback).default(fallback);
const page = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);

export const inventoryQuerySchema = z.object({
  q: textSchema({ max: 100 }).catch('').default(''),
  project: z.string().trim().max(64).regex(/^[a-z0-9-]*$/).catch('').default(''),
  purpose: oneOf(['any', ...PURPOSES], 'any'),
  role: oneOf(INVENTORY_ROLE_FILTERS, 'any'),
  status: oneOf(INVENTORY_TOKEN_STATUSES, 'any'),
  age: oneOf(INVENTORY_AGE_BUCKETS, 'any'),
  owner: z.union([z.uuid(), z.literal(OWNER_DISABLED), z.literal('')]).catch('').default(''),
  finding: oneOf(INVENTORY_FINDING_FILTERS, 'any'),
  managed: oneOf(INVENTORY_MANAGED_FILTERS, 'all'),
  state: oneOf(INVENTORY_STATE_FILTERS, 'current'),
  sort: oneOf(INVENTORY_SORTS, 'project'),
  dir: oneOf(['asc', 'desc'], 'asc'),
  page,
  vpage: page,
  upage: page,
}) satisfies z.ZodType<InventoryQuery, unknown>;

export const INVENTORY_EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type InventoryExportFormat = (typeof INVENTORY_EXPORT_FORMATS)[number];
export const inventoryExportFormatSchema = z.enum(INVENTORY_EXPORT_FORMATS);
export type { InventoryQuery };
