import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangeRolesControl, InvitationControls, RemoveControl } from '@/components/machine-users/machine-user-actions';
import { ReapplyRolesControl } from '@/components/machine-users/reapply-roles-control';
import { RolesSummary } from '@/components/machine-users/roles-editor';
import { MachineUserStateBadge } from '@/components/machine-users/state-badge';
import { MachineUserTokens } from '@/components/tokens/machine-user-tokens';
import { ReviewTasksTable } from '@/components/review/review-tasks';
import { RemoteTokensTable } from '@/components/tokens/remote-tokens-table';
import { Alert } from '@/components/ui/alert';
import { DataTable } from '@/components/ui/data-table';
import { PageHeader } from '@/components/ui/page-header';
import { describeAuditEvent } from '@/lib/audit/labels';
import { authorize } from '@/lib/auth/authorize';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { grantLimitsOf } from '@/lib/domain/machine-users/grant-limit';
import { getOffboardingPlan } from '@/lib/domain/machine-users/offboarding';
import { getMachineUser, TIMELINE_LIMIT } from '@/lib/domain/machine-users/queries';
import { SandboxDriftControls } from '@/components/machine-users/sandbox-drift-controls';
import { SandboxRedeployControls } from '@/components/tokens/sandbox-redeploy-controls';
import { sandboxTokenConsoleUrl } from '@/lib/domain/machine-users/sandbox';
import { sandboxRedeploysFail } from '@/lib/domain/tokens/sandbox-redeploys';
import { listMachineUserTasks } from '@/lib/domain/reviews/items';
import { getMachineUserTokens } from '@/lib/domain/tokens/queries';
import { describePermissions, fromPermissions, PRESETS } from '@/lib/machine-users/roles';
import { formatDateTime } from '@/lib/utils';
import { PageNotFound } from '@/components/shell/refusal-pages';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = { title: 'Machine user' };

function Section({ title, children, actions }: { title: string; children: React.ReactNode; actions?: React.ReactNode }) {
  return (
    // The id is the anchor other pages link to (the Findings view links a token to `#tokens`).
    <section id={title.toLowerCase().replace(/[^a-z0-9]+/g, '-')} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        {actions}
      </div>
      <div className="mt-3 text-sm text-slate-800">{children}</div>
    </section>
  );
}

export default async function MachineUserPage({ params }: { params: Promise<{ machineUserId: string }> }) {
  const context = await requirePageContext();
  const vendor = configuredVendor();
  const { productName } = vendor;
  const result = await getMachineUser(context, (await params).machineUserId);
  if (!result.ok) return <PageNotFound />;
  const machineUser = result.data;
  const canManage = authorize(context.actor, 'machine_user.manage_invitation', { projectId: machineUser.project.id }).allowed;
  const canChangeRoles = authorize(context.actor, 'machine_user.change_roles', { projectId: machineUser.project.id }).allowed;
  const canRemove = authorize(context.actor, 'machine_user.remove', { projectId: machineUser.project.id }).allowed;
  const removed = machineUser.state === 'removed';
  const sandbox = getConfig().platformsh.mode === 'sandbox';
  const canRecord = !removed && authorize(context.actor, 'token.record', { projectId: machineUser.project.id }).allowed;
  const [tokens, offboarding, reviewTasks, redeploysFail] = await Promise.all([
    getMachineUserTokens(context, machineUser.id),
    getOffboardingPlan(context, machineUser.id),
    // Admins and reviewers only (campaign.read); empty for others.
    listMachineUserTasks(context, machineUser.id),
    // Sandbox mode: whether the simulator fails this project's redeploys (its switch below).
    sandbox && canRecord ? sandboxRedeploysFail(machineUser.project.id) : Promise.resolve(null),
  ]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/machine-users" className="text-indigo-800 underline">
          Machine users
        </Link>{' '}
        / <span className="text-slate-700">{machineUser.email}</span>
      </nav>
      <PageHeader
        title={machineUser.email}
        description={
          <>
            {PRESETS[machineUser.purpose].label} on{' '}
            <Link href={`/projects/${machineUser.project.id}`} className="text-indigo-800 underline">
              {machineUser.project.title}
            </Link>{' '}
            · created {formatDateTime(machineUser.createdAt)}
            {machineUser.createdBy ? ` by ${machineUser.createdBy}` : ''}
          </>
        }
        actions={<MachineUserStateBadge state={machineUser.state} />}
      />
      {machineUser.lastError ? (
        <div className="mb-4">
          <Alert tone="error" title="Needs attention">
            {machineUser.lastError}
          </Alert>
        </div>
      ) : null}
      {!canManage && !removed ? (
        <div className="mb-4">
          <Alert tone="info">{context.actor.role === 'reviewer' ? 'Reviewers can see machine users but not change them.' : 'This project is not assigned to you: read only.'}</Alert>
        </div>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Roles" actions={canChangeRoles && ['invited', 'expired', 'active'].includes(machineUser.state) ? <ChangeRolesControl machineUser={machineUser} grantLimit={grantLimitsOf(context.actor)?.[machineUser.purpose] ?? null} purposeLabel={PRESETS[machineUser.purpose].label} /> : undefined}>
          <p className="mb-3 font-medium">{describePermissions(machineUser.permissions)}</p>
          <RolesSummary roles={fromPermissions(machineUser.permissions)} needsSshKey={machineUser.needsSshKey} />
          {machineUser.roleDrift ? (
            <div className="mt-3 space-y-2">
              <Alert tone="warning" title="Changed outside Keywarden">
                {machineUser.roleDrift.text}
                {machineUser.roleDrift.seenAt ? ` (seen by the sync of ${formatDateTime(machineUser.roleDrift.seenAt)})` : ''}.
              </Alert>
              {canChangeRoles ? <ReapplyRolesControl machineUserId={machineUser.id} email={machineUser.email} difference={machineUser.roleDrift.text} /> : null}
            </div>
          ) : null}
        </Section>

        <Section title="Invitation and access">
          <dl className="grid grid-cols-[9rem_1fr] gap-y-1">
            <dt className="text-slate-600">State</dt>
            <dd>
              {/* The invitation's state, while it still says something: once the machine user is removed
                  or cancelled, its last word ("accepted") beside the badge read as access. */}
              <MachineUserStateBadge state={machineUser.state} />{' '}
              {machineUser.invitationState && machineUser.state !== 'removed' && machineUser.state !== 'cancelled' ? <span className="text-slate-600">({productName}: {machineUser.invitationState})</span> : null}
            </dd>
            <dt className="text-slate-600">Invited</dt>
            <dd>{formatDateTime(machineUser.invitationSentAt)}</dd>
            {machineUser.invitationExpiresAt ? (
              <>
                <dt className="text-slate-600">Valid until</dt>
                <dd>{formatDateTime(machineUser.invitationExpiresAt)}</dd>
              </>
            ) : null}
            <dt className="text-slate-600">{productName} user</dt>
            <dd>
              {machineUser.platformshUserId ? (
                <>
                  {machineUser.platformshAccount?.displayName ? <span className="font-medium">{machineUser.platformshAccount.displayName} </span> : null}
                  {machineUser.platformshAccount?.email ?? machineUser.email}
                  <div className="font-mono text-xs text-slate-600">{machineUser.platformshUserId}</div>
                </>
              ) : (
                '— (known once accepted)'
              )}
            </dd>
            {machineUser.removedAt ? (
              <>
                <dt className="text-slate-600">Removed</dt>
                <dd>{formatDateTime(machineUser.removedAt)}</dd>
              </>
            ) : null}
          </dl>
          {removed ? null : (
            <div className="mt-4">
              <InvitationControls machineUser={machineUser} canManage={canManage} sandbox={sandbox} />
            </div>
          )}
          {sandbox && canChangeRoles && machineUser.state === 'active' ? (
            <div className="mt-4">
              <SandboxDriftControls machineUserId={machineUser.id} />
            </div>
          ) : null}
        </Section>

        <Section title="Owners">
          <dl className="grid grid-cols-[9rem_1fr] gap-y-1">
            <dt className="text-slate-600">Owner</dt>
            <dd>{machineUser.owner.email}</dd>
            <dt className="text-slate-600">Backup owner</dt>
            <dd>{machineUser.backupOwner?.email ?? '—'}</dd>
            {machineUser.overrideReason ? (
              <>
                <dt className="text-slate-600">Override reason</dt>
                <dd>{machineUser.overrideReason}</dd>
              </>
            ) : null}
          </dl>
        </Section>

      </div>

      <div className="mt-4">
        <Section title="Tokens">
          {tokens.ok ? (
            <MachineUserTokens
              machineUserId={machineUser.id}
              tokens={tokens.data.tokens}
              runs={tokens.data.runs}
              canRecord={canRecord}
              recordable={machineUser.state === 'active' ? { ok: true } : { ok: false, reason: `A token can be recorded once the machine user has accepted its invitation: it creates the token itself, in the ${productName} Console.` }}
              environments={tokens.data.environments}
              defaultTypes={PRESETS[machineUser.purpose].tokenEnvironmentTypes}
              defaultRotateBy={tokens.data.defaultRotateBy}
              minRotateBy={tokens.data.minRotateBy}
              consoleUrl={sandbox ? sandboxTokenConsoleUrl(machineUser.platformshUserId) : undefined}
              minting={{ policy: tokens.data.mintingPolicy, canChoose: authorize(context.actor, 'token.choose_minting').allowed }}
            />
          ) : (
            <Alert tone="error">{tokens.error.message}</Alert>
          )}
          {redeploysFail !== null && machineUser.state === 'active' ? (
            <div className="mt-4">
              <SandboxRedeployControls machineUserId={machineUser.id} failing={redeploysFail} />
            </div>
          ) : null}
        </Section>
      </div>

      {tokens.ok ? (
        <div className="mt-4">
          <Section title={`Its tokens on ${productName}`}>
            <RemoteTokensTable remote={tokens.data.remote} productName={productName} />
          </Section>
        </div>
      ) : null}

      {reviewTasks.ok && reviewTasks.data.length > 0 ? (
        <div className="mt-4">
          <Section title="Access-review tasks">
            <ReviewTasksTable
              tasks={reviewTasks.data}
              canComplete={authorize(context.actor, 'campaign.complete_task').allowed}
              label="Review tasks table"
              caption={`Tasks that access reviews asked for about ${machineUser.email}, open ones first`}
              showCampaign
            />
          </Section>
        </div>
      ) : null}

      <section className="mt-6">
        <h2 className="text-lg font-semibold text-slate-900">Timeline</h2>
        <p className="mt-1 text-sm text-slate-700">
          {machineUser.timeline.length < TIMELINE_LIMIT ? 'Every step, from the audit log.' : `The latest ${TIMELINE_LIMIT} steps, from the audit log.`}
          {machineUser.timeline.length >= TIMELINE_LIMIT && authorize(context.actor, 'audit.read').allowed ? (
            <>
              {' '}
              <Link href={`/audit?targetType=machine_user&target=${machineUser.id}`} className="text-indigo-800 underline">
                All its steps in the audit log
              </Link>
            </>
          ) : null}
        </p>
        <div className="mt-3">
          {machineUser.timeline.length === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-700">
              No step of this machine user is in the audit log yet: Keywarden writes one when it invites, changes, records a token for or removes it.
            </p>
          ) : (
            <DataTable label="Timeline table" caption={`Audit events of ${machineUser.email}, newest first`} columns={['When', 'Who', 'What', 'Outcome']}>
              {machineUser.timeline.map((event) => (
                <tr key={event.seq}>
                  <td className="px-3 py-2 text-sm text-slate-800">{formatDateTime(event.occurredAt)}</td>
                  <td className="px-3 py-2 text-sm text-slate-800">{event.actor}</td>
                  <td className="px-3 py-2 text-sm text-slate-800">
                    {describeAuditEvent(event.action, event.details, vendor)}
                    {event.reason ? <div className="text-xs text-slate-600">{event.reason}</div> : null}
                  </td>
                  <td className="px-3 py-2 text-sm text-slate-800">{event.outcome}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </div>
      </section>

      {/* Rendered for a removed machine user too: the control then shows what its removal did. */}
      {canRemove && offboarding.ok ? <RemoveControl machineUser={machineUser} plan={offboarding.data} /> : null}
    </>
  );
}
