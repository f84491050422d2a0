// Evidence packs on both databases: what a campaign's pack and a range's pack hold, that the
// manifest's digests and the Ed25519 signature verify — with Node, with the documented openssl /
// sha256sum / node one-liners, and with `npm run evidence:verify` — and that a changed, added or
// removed file, or a changed manifest, fails. Generating a pack is audited; refusals too.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, createPublicKey, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/lib/db';
import type { RequestContext } from '@/lib/domain/context';
import { closeCampaign, createCampaign } from '@/lib/domain/reviews/campaigns';
import { signOff } from '@/lib/domain/reviews/sign-off';
import { formatFingerprint, publicKeyFingerprint, sha256Hex, verifyInstructions, type Manifest } from '@/lib/evidence/format';
import { verifyEvidencePack } from '@/lib/evidence/verify';
import { TEST_DATABASE_KINDS } from '@/lib/testing/database';
import { contextFor, createProjects, createUser } from '@/lib/testing/fixtures';
import { auditEventsSince, lastAuditSeq } from '@/lib/testing/inspect';
import { createMachineUserRecord } from '@/lib/testing/reviews';
import { setUpTestDatabase } from '@/lib/testing/suite-database';
import { startEvidencePack, type EvidenceDeps } from './pack';

const IN_SCOPE = 'evidence-in';
const OUT_OF_SCOPE = 'evidence-out';

function signingKey(): EvidenceDeps['signingKey'] {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: publicKeyFingerprint(privateKey),
  };
}

const KEY = signingKey();
const DEPS: EvidenceDeps = { signingKey: KEY, version: '0.1.0-test' };

async function download(context: RequestContext, input: unknown): Promise<{ packId: string; fileName: string; zip: Uint8Array }> {
  const result = await startEvidencePack(context, input, DEPS);
  if (!result.ok) throw new Error(`no pack: ${JSON.stringify(result.error)}`);
  const parts: Uint8Array[] = [];
  for await (const chunk of result.data.chunks) parts.push(chunk);
  return { packId: result.data.packId, fileName: result.data.fileName, zip: new Uint8Array(Buffer.concat(parts)) };
}

function files(zip: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, strFromU8(data)]));
}

function json<T>(zip: Uint8Array, name: string): T {
  return JSON.parse(files(zip)[name] ?? 'null') as T;
}

/** The pack with `change` applied to its files, zipped again (as someone editing it would). */
function tampered(zip: Uint8Array, change: (entries: Record<string, Uint8Array>) => void): Uint8Array {
  const entries = unzipSync(zip);
  change(entries);
  return zipSync(entries);
}

const CLI = path.resolve('lib/cli/evidence-verify.ts');
const TSX = path.resolve('node_modules/.bin/tsx');

function runVerifier(zip: Uint8Array, extra: string[] = []): { status: number | null; output: string } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-evidence-'));
  try {
    const file = path.join(directory, 'pack.zip');
    fs.writeFileSync(file, zip);
    const result = spawnSync(TSX, [CLI, file, ...extra.map((argument) => argument.replace('{dir}', directory))], { encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const hasJq = spawnSync('jq', ['--version']).status === 0;

describe.each(TEST_DATABASE_KINDS)('evidence packs on %s', (kind) => {
  const database = setUpTestDatabase(kind);
  let db: Database;
  let admin: RequestContext;
  let reviewer: RequestContext;
  let campaignId: string;
  let campaignPack: { packId: string; fileName: string; zip: Uint8Array };
  let fixtures: Record<string, Awaited<ReturnType<typeof createMachineUserRecord>>>;

  beforeAll(async () => {
    db = database.db;
    await createProjects(db, [IN_SCOPE, OUT_OF_SCOPE]);
    admin = contextFor(await createUser(db, { role: 'admin' }));
    reviewer = contextFor(await createUser(db, { role: 'reviewer' }));
    fixtures = {
      kept: await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: admin.actor.id, withToken: true, withFinding: true }),
      changed: await createMachineUserRecord(db, { projectId: IN_SCOPE, ownerId: admin.actor.id, withToken: true }),
      elsewhere: await createMachineUserRecord(db, { projectId: OUT_OF_SCOPE, ownerId: admin.actor.id, withToken: true, withFinding: true }),
    };
    const created = await createCampaign(admin, { name: `Evidence 2027 Q1 (${kind})`, dueOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), scope: 'projects', projectIds: [IN_SCOPE] });
    if (!created.ok) throw new Error(JSON.stringify(created));
    campaignId = created.data.campaignId;
    const item = (machineUserId: string) => db.reviewItem.findUniqueOrThrow({ where: { campaignId_machineUserId: { campaignId, machineUserId } } });
    await signOff(reviewer, { itemId: (await item(fixtures.kept!.machineUser.id)).id, decision: 'keep' });
    await signOff(reviewer, { itemId: (await item(fixtures.changed!.machineUser.id)).id, decision: 'change', note: 'Viewer on production is enough.' });
    const closed = await closeCampaign(admin, { campaignId, confirm: 'yes' });
    if (!closed.ok) throw new Error(JSON.stringify(closed));
    campaignPack = await download(reviewer, { campaignId });
  });

  it('holds the campaign, its sign-offs, the inventory and findings of its projects, and its audit trail', async () => {
    const contents = files(campaignPack.zip);
    expect(Object.keys(contents).sort()).toEqual(
      [
        'VERIFY.txt', 'audit-chain.json', 'audit-events.csv', 'audit-events.json', 'campaign.json', 'findings.csv', 'findings.json', 'incidents.json', 'inventory.csv', 'inventory.json',
        'manifest.json', 'manifest.sig', 'pack.json', 'public-key.pem', 'sign-offs.csv', 'sign-offs.json',
      ].sort(),
    );
    expect(campaignPack.fileName).toMatch(/^keywarden-evidence-evidence-2027-q1-.*\.zip$/);

    const pack = json<{ packId: string; kind: string; campaign: { id: string }; projects: string[]; counts: Record<string, number>; generatedBy: { email: string } }>(campaignPack.zip, 'pack.json');
    expect(pack).toMatchObject({ packId: campaignPack.packId, kind: 'campaign', campaign: { id: campaignId }, projects: [IN_SCOPE], generatedBy: { email: reviewer.actor.email } });
    expect(pack.counts).toMatchObject({ machineUsers: 2, findings: 1, signOffs: 2 });

    expect(json(campaignPack.zip, 'campaign.json')).toMatchObject({ id: campaignId, state: 'closed', items: 2, decided: 2, undecided: 0, tasks: { total: 1, done: 0 }, reviewers: [{ reviewer: reviewer.actor.email, keep: 1, change: 1, decided: 2 }] });

    const inventory = json<{ machineUserId: string; tokens: { lastFour: string }[] }[]>(campaignPack.zip, 'inventory.json');
    expect(inventory.map((row) => row.machineUserId).sort()).toEqual([fixtures.kept!.machineUser.id, fixtures.changed!.machineUser.id].sort());
    expect(inventory.find((row) => row.machineUserId === fixtures.kept!.machineUser.id)?.tokens).toEqual([expect.objectContaining({ lastFour: fixtures.kept!.token!.lastFour, status: 'active' })]);
    // Metadata only: the keyed fingerprints of the tokens are nowhere in the pack's inventory.
    for (const fixture of Object.values(fixtures)) expect(contents['inventory.json']! + contents['inventory.csv']!).not.toContain(fixture.token!.fingerprint);
    expect(contents['inventory.csv']!.split('\r\n')[0]).toContain('machine_user_id,email,project_id');
    expect(contents['inventory.csv']).toContain(fixtures.kept!.machineUser.email);

    expect(json<{ id: string; firstSeenAt: string; resolvedAt: null }[]>(campaignPack.zip, 'findings.json')).toEqual([
      expect.objectContaining({ id: fixtures.kept!.finding!.id, ruleId: 'token.past_rotate_by', firstSeenAt: fixtures.kept!.finding!.firstSeenAt.toISOString(), resolvedAt: null }),
    ]);

    const signOffs = json<{ email: string; decision: { kind: string; note: string | null; reviewer: string }; task: { kind: string } | null }[]>(campaignPack.zip, 'sign-offs.json');
    expect(signOffs.map((row) => [row.email, row.decision.kind, row.decision.reviewer, row.task?.kind ?? null]).sort()).toEqual(
      [
        [fixtures.kept!.machineUser.email, 'keep', reviewer.actor.email, null],
        [fixtures.changed!.machineUser.email, 'change', reviewer.actor.email, 'change'],
      ].sort(),
    );
    expect(contents['sign-offs.csv']).toContain('Viewer on production is enough.');

    // From the row that started it to the row that closed it.
    const events = json<{ seq: string; action: string; mac: string }[]>(campaignPack.zip, 'audit-events.json');
    expect(events.map((event) => event.action)).toEqual(['campaign.create', 'campaign.sign_off', 'campaign.sign_off', 'campaign.close']);
    expect(events.every((event) => /^[0-9a-f]{64}$/.test(event.mac))).toBe(true);
    expect(contents['audit-events.csv']!.trim().split('\r\n')).toHaveLength(events.length + 1);
  });

  it('names the audit chain’s head (the export’s own row) and says the chain held', async () => {
    const chain = json<{ head: { seq: string; mac: string }; verification: { holds: boolean; firstBroken: null } }>(campaignPack.zip, 'audit-chain.json');
    const exportRow = await db.auditEvent.findFirstOrThrow({ where: { action: 'evidence.export', targetId: campaignId }, orderBy: { seq: 'desc' } });
    expect(chain.head).toMatchObject({ seq: exportRow.seq.toString(), mac: exportRow.mac });
    expect(chain.verification).toMatchObject({ holds: true, firstBroken: null });
    expect(exportRow).toMatchObject({ outcome: 'succeeded', actorId: reviewer.actor.id, targetType: 'review_campaign' });
    expect(exportRow.details).toMatchObject({ packId: campaignPack.packId, kind: 'campaign' });
  });

  it('verifies: every digest matches the manifest, and the signature holds with Node and with the expected key', () => {
    const contents = unzipSync(campaignPack.zip);
    const manifest = JSON.parse(strFromU8(contents['manifest.json']!)) as Manifest;
    expect(manifest.publicKeySha256).toBe(KEY.fingerprint);
    expect(manifest.files.map((entry) => entry.path).sort()).toEqual(Object.keys(contents).filter((name) => name !== 'manifest.json' && name !== 'manifest.sig').sort());
    for (const entry of manifest.files) expect(sha256Hex(contents[entry.path]!), entry.path).toBe(entry.sha256);
    expect(verify(null, contents['manifest.json']!, KEY.publicKeyPem, Buffer.from(strFromU8(contents['manifest.sig']!), 'base64'))).toBe(true);

    expect(verifyEvidencePack(campaignPack.zip)).toMatchObject({ ok: true, problems: [], checkedFiles: manifest.files.length, publicKeySha256: KEY.fingerprint });
    expect(verifyEvidencePack(campaignPack.zip, { expectedPublicKeyPem: KEY.publicKeyPem }).ok).toBe(true);
    // Signed by someone else's key (or re-signed with a new one): refused against the trusted key.
    const other = signingKey();
    expect(verifyEvidencePack(campaignPack.zip, { expectedPublicKeyPem: other.publicKeyPem })).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.stringContaining('not with the expected key')]) });
  });

  it.runIf(hasOpenssl && hasJq)('verifies offline with the openssl, sha256sum and node one-liners of VERIFY.txt', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'keywarden-offline-'));
    try {
      for (const [name, data] of Object.entries(unzipSync(campaignPack.zip))) fs.writeFileSync(path.join(directory, name), data);
      const text = fs.readFileSync(path.join(directory, 'VERIFY.txt'), 'utf8');
      expect(text).toBe(verifyInstructions(KEY.fingerprint));
      const commands = text.split('\n').filter((line) => /^ {2}(openssl|base64|jq|node) /.test(line)).map((line) => line.trim());
      expect(commands.map((command) => command.split(' ')[0])).toEqual(['openssl', 'base64', 'openssl', 'jq', 'node']);
      const run = (command: string) => execFileSync('bash', ['-o', 'pipefail', '-c', command], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(run(commands[0]!)).toContain(KEY.fingerprint);
      run(commands[1]!);
      expect(run(commands[2]!)).toMatch(/Signature Verified Successfully/);
      expect(run(commands[3]!)).toContain('inventory.json: OK');
      expect(run(commands[4]!).trim()).toBe('OK');

      // The same commands fail on a changed file, and on a changed manifest.
      fs.appendFileSync(path.join(directory, 'sign-offs.csv'), 'forged,row\r\n');
      expect(() => run(commands[3]!)).toThrow();
      expect(() => run(commands[4]!)).toThrow(/CHANGED: sign-offs.csv/);
      fs.writeFileSync(path.join(directory, 'manifest.json'), fs.readFileSync(path.join(directory, 'manifest.json'), 'utf8').replace('"bytes"', '"bytes" '));
      expect(() => run(commands[2]!)).toThrow();
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('fails on a changed, added or removed file and on a changed manifest, naming what failed', () => {
    const edited = tampered(campaignPack.zip, (entries) => {
      entries['sign-offs.json'] = strToU8(strFromU8(entries['sign-offs.json']!).replace('"change"', '"keep"'));
    });
    expect(verifyEvidencePack(edited)).toMatchObject({ ok: false, problems: ['sign-offs.json was changed: its SHA-256 does not match the manifest'] });

    const added = tampered(campaignPack.zip, (entries) => {
      entries['extra.csv'] = strToU8('a,b\r\n');
    });
    expect(verifyEvidencePack(added).problems).toEqual(['extra.csv is in the pack but not in the manifest (added after signing)']);

    const removed = tampered(campaignPack.zip, (entries) => {
      delete entries['audit-events.json'];
    });
    expect(verifyEvidencePack(removed).problems).toEqual(['audit-events.json is listed in the manifest but missing from the pack']);

    // The digest updated in the manifest to match an edited file: the signature no longer holds.
    const resigned = tampered(campaignPack.zip, (entries) => {
      const forged = strToU8(strFromU8(entries['sign-offs.json']!).replace('"change"', '"keep"'));
      const manifest = JSON.parse(strFromU8(entries['manifest.json']!)) as Manifest;
      const entry = manifest.files.find((file) => file.path === 'sign-offs.json')!;
      entry.sha256 = sha256Hex(forged);
      entry.bytes = forged.length;
      entries['sign-offs.json'] = forged;
      entries['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
    });
    expect(verifyEvidencePack(resigned).problems).toEqual(['the signature in manifest.sig does not verify: manifest.json was changed or signed with another key']);
  });

  it('npm run evidence:verify: OK and exit 0 on the pack, FAILED and exit 1 on a tampered one', () => {
    const good = runVerifier(campaignPack.zip);
    expect(good.status, good.output).toBe(0);
    expect(good.output).toContain(`OK:`);
    expect(good.output).toContain(formatFingerprint(KEY.fingerprint));

    const bad = runVerifier(
      tampered(campaignPack.zip, (entries) => {
        entries['findings.csv'] = strToU8('nothing to see\r\n');
      }),
    );
    expect(bad.status).toBe(1);
    expect(bad.output).toContain('FAILED');
    expect(bad.output).toContain('findings.csv was changed');
  });

  it('makes a pack for a range of days: every project, the sign-offs decided then, and the audit log of those days', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const seq = await lastAuditSeq(db);
    const range = await download(admin, { from: today, to: today });
    expect(range.fileName).toBe(`keywarden-evidence-${today}-to-${today}.zip`);
    expect(verifyEvidencePack(range.zip).ok).toBe(true);
    const pack = json<{ kind: string; projects: string; counts: Record<string, number> }>(range.zip, 'pack.json');
    expect(pack).toMatchObject({ kind: 'range', projects: 'all', counts: { machineUsers: 3, findings: 2, signOffs: 2 } });
    expect(Object.keys(files(range.zip))).not.toContain('campaign.json');
    // The export is audited before the pack is read: its own row closes the excerpt.
    const events = json<{ action: string; seq: string }[]>(range.zip, 'audit-events.json');
    const [exportRow] = await auditEventsSince(db, seq);
    expect(exportRow).toMatchObject({ action: 'evidence.export', outcome: 'succeeded', targetType: 'evidence_pack', targetId: range.packId });
    expect(events.at(-1)).toMatchObject({ action: 'evidence.export', seq: exportRow!.seq.toString() });
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['campaign.create', 'campaign.close', 'evidence.export']));

    // A range with nothing in it is still a valid, signed pack.
    const empty = await download(admin, { from: '2020-01-01', to: '2020-01-31' });
    expect(verifyEvidencePack(empty.zip).ok).toBe(true);
    expect(json(empty.zip, 'audit-events.json')).toEqual([]);
    expect(json(empty.zip, 'sign-offs.json')).toEqual([]);
  });

  it('refuses an onboarder, a reversed range and an unknown campaign — each audited', async () => {
    const onboarder = contextFor(await createUser(db, { role: 'onboarder', projectIds: [IN_SCOPE] }), [IN_SCOPE]);
    const seq = await lastAuditSeq(db);
    expect(await startEvidencePack(onboarder, { campaignId }, DEPS)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await startEvidencePack(admin, { from: '2027-02-01', to: '2027-01-01' }, DEPS)).toMatchObject({ ok: false, error: { code: 'invalid_input', fieldErrors: { to: [expect.any(String)] } } });
    expect(await startEvidencePack(admin, { campaignId: '00000000-0000-4000-8000-000000000000' }, DEPS)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await auditEventsSince(db, seq)).map((event) => [event.action, event.outcome, event.actorId])).toEqual([
      ['evidence.export', 'refused', onboarder.actor.id],
      ['evidence.export', 'invalid', admin.actor.id],
      ['evidence.export', 'refused', admin.actor.id],
    ]);
  });
});
