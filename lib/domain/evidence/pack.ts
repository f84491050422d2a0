// Evidence packs (issue 15 §5): for a campaign or a range of days, a ZIP of JSON and CSV files —
// inventory, findings with their history, sign-offs, the audit log of the period and the audit
// chain's head — with a manifest of SHA-256 digests signed with Keywarden's Ed25519 key, so that an
// auditor can verify it offline (lib/evidence/format.ts describes the layout; verify.ts checks it).
//
// Admins and reviewers (evidence.export). The export is audited before anything is read (its row is
// then part of the pack's own audit excerpt and chain head); a failure half-way is audited too. The
// ZIP is streamed: rows are read in batches as the response asks for more. Never a token value, and
// not the keyed fingerprints of the inventory either (the audit rows keep theirs: the chain covers them).
import 'server-only';
import { randomUUID, sign } from 'node:crypto';
import { authorize } from '@/lib/auth/authorize';
import { verifyAuditChain } from '@/lib/audit/chain';
import { recordAudit, recordStrangerRefusal } from '@/lib/audit/record';
import type { EvidenceSigningKey } from '@/lib/config/evidence-key';
import { getDb, type Prisma } from '@/lib/db';
import { fail, fieldErrorsOf, ok, type ActionResult } from '@/lib/errors';
import { csvLine, MANIFEST_FILE, PACK_FORMAT, PUBLIC_KEY_FILE, SIGNATURE_FILE, verifyInstructions, type Manifest } from '@/lib/evidence/format';
import { StreamingZipWriter } from '@/lib/evidence/zip-writer';
import { evidenceSchemaFor } from '@/lib/validations/reviews';
import { logger } from '@/lib/logger';
import type { RequestContext } from '../context';
import { incidentsForEvidence } from '../incidents/queries';

const BATCH = 1000;

export interface EvidenceDeps {
  signingKey: Pick<EvidenceSigningKey, 'privateKey' | 'publicKeyPem' | 'fingerprint'>;
  version: string;
  /** The audit chain's key, for the verification the pack reports (the configured one by default). */
  auditKey?: string;
}

export interface EvidencePackDownload {
  packId: string;
  fileName: string;
  /** The ZIP's bytes, produced as they are read. */
  chunks: AsyncGenerator<Uint8Array>;
}

interface Period {
  from: Date;
  to: Date;
}

interface Plan {
  packId: string;
  generatedAt: Date;
  context: RequestContext;
  campaign: { id: string; name: string; createdAt: Date; closedAt: Date | null; allProjects: boolean; projectIds: string[] } | null;
  /** The days asked for ([from, to) in time), or the campaign's life. */
  period: Period;
  /** Null: every project. */
  projectIds: string[] | null;
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'campaign';

/** Authorizes, validates, audits the export, and returns the pack as a stream of ZIP bytes. */
export async function startEvidencePack(context: RequestContext, rawInput: unknown, deps: EvidenceDeps): Promise<ActionResult<EvidencePackDownload>> {
  const db = getDb();
  const audit = (outcome: 'refused' | 'invalid' | 'failed' | 'succeeded', reason: string | undefined, target?: { type: string; id: string }, details?: Prisma.InputJsonValue) =>
    recordAudit(db, { actor: context.actor, action: 'evidence.export', outcome, reason, clientAddress: context.clientAddress, target, details });

  const decision = authorize(context.actor, 'evidence.export');
  if (!decision.allowed) {
    await audit('refused', decision.reason);
    return fail('forbidden', 'You do not have permission to export evidence.');
  }
  const parsed = evidenceSchemaFor(rawInput).safeParse(rawInput);
  if (!parsed.success) {
    await audit('invalid', 'input failed validation');
    return fail('invalid_input', 'Choose a campaign, or a first and a last day.', fieldErrorsOf(parsed.error));
  }
  const packId = randomUUID();
  const generatedAt = new Date();
  let plan: Plan;
  if ('campaignId' in parsed.data) {
    const campaign = await db.reviewCampaign.findUnique({ where: { id: parsed.data.campaignId } });
    if (!campaign) {
      await audit('refused', 'no such campaign', { type: 'review_campaign', id: parsed.data.campaignId });
      return fail('not_found', 'There is no such campaign.');
    }
    plan = {
      packId,
      generatedAt,
      context,
      campaign,
      period: { from: campaign.createdAt, to: campaign.closedAt ?? generatedAt },
      projectIds: campaign.allProjects ? null : campaign.projectIds,
    };
  } else {
    const to = new Date(parsed.data.to.getTime() + 86_400_000);
    plan = { packId, generatedAt, context, campaign: null, period: { from: parsed.data.from, to }, projectIds: null };
  }
  const target = plan.campaign ? { type: 'review_campaign', id: plan.campaign.id } : { type: 'evidence_pack', id: packId };
  // Audited before anything is read (SECURITY.md L1): the row is in the pack's own excerpt.
  await audit('succeeded', undefined, target, {
    packId,
    kind: plan.campaign ? 'campaign' : 'range',
    ...(plan.campaign ? { campaign: { id: plan.campaign.id, name: plan.campaign.name } } : {}),
    period: { from: plan.period.from.toISOString(), to: plan.period.to.toISOString() },
  });
  const day = generatedAt.toISOString().slice(0, 10).replaceAll('-', '');
  const lastDay = new Date(plan.period.to.getTime() - 86_400_000).toISOString().slice(0, 10);
  const fileName = plan.campaign
    ? `keywarden-evidence-${slug(plan.campaign.name)}-${day}.zip`
    : `keywarden-evidence-${plan.period.from.toISOString().slice(0, 10)}-to-${lastDay}.zip`;

  async function* guarded(): AsyncGenerator<Uint8Array> {
    try {
      yield* writePack(plan, deps);
    } catch (error) {
      logger.error('evidence pack failed', { packId, error });
      await audit('failed', 'the pack could not be completed', target, { packId }).catch(() => undefined);
      throw error;
    }
  }
  return ok({ packId, fileName, chunks: guarded() });
}

// ---- the files ----------------------------------------------------------------------------------

async function* jsonArray<T>(rows: AsyncIterable<T>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

async function* csvFile<T>(header: readonly string[], rows: AsyncIterable<T>, toCells: (row: T) => unknown[][]): AsyncGenerator<string> {
  yield csvLine(header);
  for await (const row of rows) for (const cells of toCells(row)) yield csvLine(cells);
}

/** Reads a table in batches ordered by a unique key, so memory stays flat however many rows. */
async function* inBatches<Row, Key>(read: (after: Key | null) => Promise<Row[]>, keyOf: (row: Row) => Key): AsyncGenerator<Row> {
  let after: Key | null = null;
  for (;;) {
    const rows = await read(after);
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

function inventoryRows(plan: Plan) {
  const db = getDb();
  return inBatches(
    (after: string | null) =>
      db.machineUser.findMany({
        where: { ...(plan.projectIds ? { projectId: { in: plan.projectIds } } : {}), ...(after ? { id: { gt: after } } : {}) },
        include: {
          project: { select: { title: true } },
          owner: { select: { email: true } },
          backupOwner: { select: { email: true } },
          tokens: { orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] },
        },
        orderBy: { id: 'asc' },
        take: BATCH,
      }),
    (row) => row.id,
  );
}

type InventoryRow = Prisma.MachineUserGetPayload<{
  include: { project: { select: { title: true } }; owner: { select: { email: true } }; backupOwner: { select: { email: true } }; tokens: true };
}>;

function inventoryJson(row: InventoryRow) {
  return {
    machineUserId: row.id,
    email: row.email,
    projectId: row.projectId,
    projectTitle: row.project.title,
    purpose: row.purpose,
    state: row.state,
    permissions: row.permissions,
    owner: row.owner.email,
    backupOwner: row.backupOwner?.email ?? null,
    platformshUserId: row.platformshUserId,
    createdAt: iso(row.createdAt),
    acceptedAt: iso(row.acceptedAt),
    removedAt: iso(row.removedAt),
    tokens: row.tokens.map((token) => ({
      id: token.id,
      name: token.name,
      lastFour: token.lastFour,
      status: token.status,
      rotateBy: iso(token.rotateBy),
      recordedAt: iso(token.recordedAt),
      lastUsedAt: iso(token.lastUsedAt),
      statusChangedAt: iso(token.statusChangedAt),
      deletedOnPlatformAt: iso(token.deletedOnPlatformAt),
      platformshTokenId: token.platformshTokenId,
    })),
  };
}

const INVENTORY_CSV = [
  'machine_user_id', 'email', 'project_id', 'project_title', 'purpose', 'state', 'permissions', 'owner', 'backup_owner', 'created_at', 'removed_at',
  'token_id', 'token_name', 'token_last_four', 'token_status', 'token_rotate_by', 'token_recorded_at', 'token_last_used_at', 'token_deleted_on_platform_at',
] as const;

function inventoryCsv(row: InventoryRow): unknown[][] {
  const json = inventoryJson(row);
  const base = [json.machineUserId, json.email, json.projectId, json.projectTitle, json.purpose, json.state, json.permissions.join(' '), json.owner, json.backupOwner, json.createdAt, json.removedAt];
  if (json.tokens.length === 0) return [[...base, '', '', '', '', '', '', '', '']];
  return json.tokens.map((token) => [...base, token.id, token.name, token.lastFour, token.status, token.rotateBy, token.recordedAt, token.lastUsedAt, token.deletedOnPlatformAt]);
}

/** Findings alive at some point of the period: seen before its end, not resolved before its start. */
function findingRows(plan: Plan) {
  const db = getDb();
  return inBatches(
    (after: string | null) =>
      db.finding.findMany({
        where: {
          AND: [
            plan.projectIds ? { projectId: { in: plan.projectIds } } : {},
            { firstSeenAt: { lt: plan.period.to } },
            { OR: [{ resolvedAt: null }, { resolvedAt: { gte: plan.period.from } }] },
            after ? { id: { gt: after } } : {},
          ],
        },
        orderBy: { id: 'asc' },
        take: BATCH,
      }),
    (row) => row.id,
  );
}

type FindingRow = Prisma.FindingGetPayload<object>;

function findingJson(row: FindingRow) {
  return {
    id: row.id,
    ruleId: row.ruleId,
    severity: row.severity,
    subjectKey: row.subjectKey,
    projectId: row.projectId,
    environmentId: row.environmentId,
    machineUserId: row.machineUserId,
    tokenId: row.tokenId,
    platformshUserId: row.platformshUserId,
    firstSeenAt: iso(row.firstSeenAt),
    lastSeenAt: iso(row.lastSeenAt),
    resolvedAt: iso(row.resolvedAt),
    acceptedUntil: iso(row.acceptedUntil),
    acceptedById: row.acceptedById,
    acceptedReason: row.acceptedReason,
    evidence: row.evidence,
  };
}

const FINDINGS_CSV = [
  'id', 'rule_id', 'severity', 'subject_key', 'project_id', 'environment_id', 'machine_user_id', 'token_id', 'platformsh_user_id',
  'first_seen_at', 'last_seen_at', 'resolved_at', 'accepted_until', 'accepted_by_id', 'accepted_reason', 'evidence',
] as const;

/** A campaign's every item (decided or not); for a range, the items decided in it. */
function signOffRows(plan: Plan) {
  const db = getDb();
  const scope: Prisma.ReviewItemWhereInput = plan.campaign
    ? { campaignId: plan.campaign.id }
    : { decision: { is: { decidedAt: { gte: plan.period.from, lt: plan.period.to } } } };
  return inBatches(
    (after: string | null) =>
      db.reviewItem.findMany({
        where: { AND: [scope, after ? { id: { gt: after } } : {}] },
        include: { decision: true, task: true, campaign: { select: { name: true } } },
        orderBy: { id: 'asc' },
        take: BATCH,
      }),
    (row) => row.id,
  );
}

type SignOffRow = Prisma.ReviewItemGetPayload<{ include: { decision: true; task: true; campaign: { select: { name: true } } } }>;

function signOffJson(row: SignOffRow) {
  return {
    campaignId: row.campaignId,
    campaignName: row.campaign.name,
    itemId: row.id,
    machineUserId: row.machineUserId,
    email: row.email,
    projectId: row.projectId,
    projectTitle: row.projectTitle,
    purpose: row.purpose,
    stateAtStart: row.machineUserState,
    permissionsAtStart: row.permissions,
    ownerAtStart: row.ownerEmail,
    backupOwnerAtStart: row.backupOwnerEmail,
    tokensAtStart: row.tokens,
    openFindingsAtStart: row.findings,
    decision: row.decision ? { kind: row.decision.kind, note: row.decision.note, reviewerId: row.decision.reviewerId, reviewer: row.decision.reviewerEmail, decidedAt: iso(row.decision.decidedAt) } : null,
    task: row.task ? { kind: row.task.kind, note: row.task.note, requestedBy: row.task.requestedByEmail, createdAt: iso(row.task.createdAt), doneAt: iso(row.task.doneAt), doneBy: row.task.doneByEmail } : null,
  };
}

const SIGN_OFFS_CSV = [
  'campaign_id', 'campaign_name', 'item_id', 'machine_user_id', 'email', 'project_id', 'project_title', 'permissions_at_start', 'owner_at_start', 'backup_owner_at_start',
  'open_findings_at_start', 'decision', 'note', 'reviewer', 'decided_at', 'task_done_at', 'task_done_by',
] as const;

function signOffCsv(row: SignOffRow): unknown[][] {
  const json = signOffJson(row);
  return [
    [
      json.campaignId, json.campaignName, json.itemId, json.machineUserId, json.email, json.projectId, json.projectTitle, json.permissionsAtStart.join(' '), json.ownerAtStart,
      json.backupOwnerAtStart, row.findingCount, json.decision?.kind ?? 'undecided', json.decision?.note, json.decision?.reviewer, json.decision?.decidedAt, json.task?.doneAt, json.task?.doneBy,
    ],
  ];
}

interface AuditBounds {
  /** The excerpt's rows: seq in (afterSeq, upToSeq], and for a range also occurred_at in the period. */
  afterSeq: bigint;
  upToSeq: bigint;
  period: Period | null;
}

/**
 * A campaign's excerpt runs from the row that started it to the row that closed it (or the head):
 * by seq, so that rows written in the same millisecond as the close are neither lost nor added.
 */
async function auditBounds(plan: Plan, head: bigint): Promise<AuditBounds> {
  if (!plan.campaign) return { afterSeq: 0n, upToSeq: head, period: plan.period };
  const db = getDb();
  const [started, closed] = await Promise.all([
    db.auditEvent.findFirst({ where: { action: 'campaign.create', outcome: 'succeeded', targetId: plan.campaign.id }, orderBy: { seq: 'asc' }, select: { seq: true } }),
    plan.campaign.closedAt ? db.auditEvent.findFirst({ where: { action: 'campaign.close', outcome: 'succeeded', targetId: plan.campaign.id }, orderBy: { seq: 'desc' }, select: { seq: true } }) : null,
  ]);
  // Without its start row (a campaign older than its audit trail), fall back to its dates.
  if (!started) return { afterSeq: 0n, upToSeq: head, period: plan.period };
  return { afterSeq: started.seq - 1n, upToSeq: closed?.seq ?? head, period: null };
}

function auditRows(bounds: AuditBounds) {
  const db = getDb();
  return inBatches(
    (after: bigint | null) =>
      db.auditEvent.findMany({
        where: {
          AND: [
            { seq: { gt: after ?? bounds.afterSeq, lte: bounds.upToSeq } },
            bounds.period ? { occurredAt: { gte: bounds.period.from, lt: bounds.period.to } } : {},
          ],
        },
        orderBy: { seq: 'asc' },
        take: BATCH,
      }),
    (row) => row.seq,
  );
}

type AuditRow = Prisma.AuditEventGetPayload<object>;

function auditJson(row: AuditRow) {
  return {
    seq: row.seq.toString(),
    occurredAt: iso(row.occurredAt),
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    actorRole: row.actorRole,
    actorClaimed: row.actorClaimed,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    outcome: row.outcome,
    reason: row.reason,
    clientAddress: row.clientAddress,
    details: row.details,
    tokenFingerprint: row.tokenFingerprint,
    mac: row.mac,
  };
}

const AUDIT_CSV = ['seq', 'occurred_at', 'actor_id', 'actor_email', 'actor_role', 'actor_claimed', 'action', 'target_type', 'target_id', 'outcome', 'reason', 'client_address', 'details', 'token_fingerprint', 'mac'] as const;

/** Counts rows while passing them on (the pack's summary says how many of each it holds). */
async function* counted<T>(rows: AsyncIterable<T>, counter: { value: number }): AsyncGenerator<T> {
  for await (const row of rows) {
    counter.value += 1;
    yield row;
  }
}

async function campaignSummary(campaignId: string) {
  const db = getDb();
  const campaign = await db.reviewCampaign.findUniqueOrThrow({ where: { id: campaignId }, include: { _count: { select: { items: true, decisions: true } } } });
  const [groups, tasksTotal, tasksDone] = await Promise.all([
    db.reviewDecision.groupBy({ by: ['reviewerId', 'reviewerEmail', 'kind'], where: { campaignId }, _count: { _all: true } }),
    db.reviewTask.count({ where: { campaignId } }),
    db.reviewTask.count({ where: { campaignId, doneAt: { not: null } } }),
  ]);
  const reviewers = new Map<string, { reviewerId: string; reviewer: string; keep: number; change: number; remove: number; decided: number }>();
  for (const group of groups) {
    const entry = reviewers.get(group.reviewerId) ?? { reviewerId: group.reviewerId, reviewer: group.reviewerEmail, keep: 0, change: 0, remove: 0, decided: 0 };
    entry[group.kind] += group._count._all;
    entry.decided += group._count._all;
    reviewers.set(group.reviewerId, entry);
  }
  return {
    id: campaign.id,
    name: campaign.name,
    dueOn: campaign.dueOn.toISOString().slice(0, 10),
    scope: campaign.allProjects ? 'all projects' : campaign.projectIds,
    state: campaign.state,
    createdAt: iso(campaign.createdAt),
    createdBy: campaign.createdByEmail,
    closedAt: iso(campaign.closedAt),
    closedBy: campaign.closedByEmail,
    items: campaign._count.items,
    decided: campaign._count.decisions,
    undecided: campaign._count.items - campaign._count.decisions,
    tasks: { total: tasksTotal, done: tasksDone },
    reviewers: [...reviewers.values()],
  };
}

const FILE_DESCRIPTIONS: Record<string, string> = {
  'pack.json': 'What this pack covers, who generated it, and how many rows each file holds.',
  'campaign.json': 'The campaign: scope, dates, progress per reviewer (campaign packs only).',
  'inventory.json': 'Every machine user of the projects in scope, now: project, purpose, state, roles, owners, token records (metadata only).',
  'inventory.csv': 'The same, one line per machine user and token.',
  'findings.json': 'Findings alive during the period, with first seen / last seen / resolved / accepted-risk dates and evidence.',
  'findings.csv': 'The same as a table.',
  'sign-offs.json': 'Campaign items as copied at the start (roles, owners, tokens, open findings) with their decisions and the tasks they created.',
  'sign-offs.csv': 'The same as a table.',
  'audit-events.json': 'The audit log of the period, every field including each row’s chain mac.',
  'audit-events.csv': 'The same as a table.',
  'audit-chain.json': 'The audit chain’s head (seq and mac) when the pack was made, and whether the whole chain verified then.',
  'incidents.json': 'Incidents (bulk revocations) alive during the period: the selection, the dates of the plan, dry run and execution, and the verified report — what was revoked, what remains open and why.',
  [PUBLIC_KEY_FILE]: 'The Ed25519 public key that signed manifest.json.',
  'VERIFY.txt': 'How to verify this pack offline.',
};

async function* writePack(plan: Plan, deps: EvidenceDeps): AsyncGenerator<Uint8Array> {
  const db = getDb();
  const zip = new StreamingZipWriter(plan.generatedAt);
  const counts = { machineUsers: { value: 0 }, findings: { value: 0 }, signOffs: { value: 0 }, auditEvents: { value: 0 } };

  // The head first (the export's own row is in it), then the excerpt up to it: rows written while
  // the pack is made belong to the next pack.
  const head = await db.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, mac: true, occurredAt: true } });
  const verification = await verifyAuditChain(db, { key: deps.auditKey });
  const bounds = await auditBounds(plan, head?.seq ?? 0n);

  if (plan.campaign) yield* zip.file('campaign.json', [`${JSON.stringify(await campaignSummary(plan.campaign.id), null, 2)}\n`]);
  yield* zip.file('inventory.json', jsonArray(mapRows(counted(inventoryRows(plan), counts.machineUsers), inventoryJson)));
  yield* zip.file('inventory.csv', csvFile(INVENTORY_CSV, inventoryRows(plan), inventoryCsv));
  yield* zip.file('findings.json', jsonArray(mapRows(counted(findingRows(plan), counts.findings), findingJson)));
  yield* zip.file('findings.csv', csvFile(FINDINGS_CSV, findingRows(plan), (row) => [Object.values(findingJson(row))]));
  yield* zip.file('sign-offs.json', jsonArray(mapRows(counted(signOffRows(plan), counts.signOffs), signOffJson)));
  yield* zip.file('sign-offs.csv', csvFile(SIGN_OFFS_CSV, signOffRows(plan), signOffCsv));
  const excerpt = { rows: 0, firstSeq: null as string | null, lastSeq: null as string | null };
  yield* zip.file(
    'audit-events.json',
    jsonArray(
      mapRows(counted(auditRows(bounds), counts.auditEvents), (row) => {
        excerpt.firstSeq ??= row.seq.toString();
        excerpt.lastSeq = row.seq.toString();
        return auditJson(row);
      }),
    ),
  );
  yield* zip.file('audit-events.csv', csvFile(AUDIT_CSV, auditRows(bounds), (row) => [Object.values(auditJson(row))]));
  excerpt.rows = counts.auditEvents.value;
  const chain = {
    head: head ? { seq: head.seq.toString(), mac: head.mac, occurredAt: iso(head.occurredAt) } : null,
    verification: {
      verifiedAt: iso(new Date()),
      holds: verification.firstBroken === null,
      checkedRows: verification.checked,
      rowsBeforeTheChain: verification.unchained,
      firstBroken: verification.firstBroken ? { seq: verification.firstBroken.seq.toString(), occurredAt: iso(verification.firstBroken.occurredAt), reason: verification.firstBroken.reason } : null,
    },
    excerpt: { ...excerpt, fromSeqExclusive: bounds.afterSeq.toString(), toSeq: bounds.upToSeq.toString(), period: bounds.period ? { from: iso(bounds.period.from), to: iso(bounds.period.to) } : null },
    note:
      'Each audit row carries mac = HMAC-SHA256(audit key, previous mac ‖ "\\n" ‖ canonical row). Recomputing it needs the audit key, which stays with Keywarden: ' +
      'keep this head, and a later `npm run audit:verify` (or a later pack) shows whether any row up to it was changed, removed or the log truncated.',
  };
  yield* zip.file('audit-chain.json', [`${JSON.stringify(chain, null, 2)}\n`]);
  yield* zip.file('incidents.json', [`${JSON.stringify(await incidentsForEvidence(plan.period), null, 2)}\n`]);

  const pack = {
    format: PACK_FORMAT,
    packId: plan.packId,
    generatedAt: iso(plan.generatedAt),
    generatedBy: { id: plan.context.actor.id, email: plan.context.actor.email, role: plan.context.actor.role },
    keywardenVersion: deps.version,
    kind: plan.campaign ? 'campaign' : 'range',
    campaign: plan.campaign ? { id: plan.campaign.id, name: plan.campaign.name } : null,
    period: { from: iso(plan.period.from), to: iso(plan.period.to) },
    projects: plan.projectIds ?? 'all',
    counts: { machineUsers: counts.machineUsers.value, findings: counts.findings.value, signOffs: counts.signOffs.value, auditEvents: counts.auditEvents.value },
    files: FILE_DESCRIPTIONS,
  };
  yield* zip.file('pack.json', [`${JSON.stringify(pack, null, 2)}\n`]);
  yield* zip.file(PUBLIC_KEY_FILE, [deps.signingKey.publicKeyPem]);
  yield* zip.file('VERIFY.txt', [verifyInstructions(deps.signingKey.fingerprint)]);

  const manifest: Manifest = {
    format: PACK_FORMAT,
    packId: plan.packId,
    generatedAt: plan.generatedAt.toISOString(),
    algorithm: 'Ed25519',
    publicKeySha256: deps.signingKey.fingerprint,
    files: [...zip.entries],
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const signature = sign(null, manifestBytes, deps.signingKey.privateKey).toString('base64');
  yield* zip.file(MANIFEST_FILE, [manifestBytes]);
  yield* zip.file(SIGNATURE_FILE, [`${signature}\n`]);
  yield* zip.end();
}

async function* mapRows<T, U>(rows: AsyncIterable<T>, map: (row: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield map(row);
}

/** A request without a session: refused, and audited like any stranger's refusal (SECURITY.md A6, L3). */
export async function auditEvidenceRequestWithoutSession(clientAddress: string | null): Promise<void> {
  await recordStrangerRefusal(getDb(), { actor: null, action: 'evidence.export', outcome: 'refused', reason: 'not signed in', clientAddress });
}
