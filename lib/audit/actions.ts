// Every action the audit log knows, with the role-matrix permission it is done under (issue 15 §6:
// "distinct actions for every operation"). The permission is what authorize() checks; the audited
// action says which operation ran, so that the log can be read without decoding `details`.
//
// The rule for which name a row carries:
// - "may this caller do it?" (a role or project refusal, input that fails validation) is audited
//   under the permission — the input is not trusted yet, and the role-matrix replay finds the
//   refusal under the name of the matrix row;
// - "what happened" (the operation, its outcome, a refusal on the merits such as a token of another
//   account) is audited under the operation's own name below.
import type { Action } from '@/lib/auth/authorize';
import type { VendorCopy } from '@/lib/vendor';

export interface AuditActionInfo {
  /** Plain words for the Audit page's action list (a function of the vendor where they name it). */
  label: VendorCopy;
  /** The role-matrix action it is done under; absent for what no person asks for (a sync's observation, a sign-in). */
  permission?: Action;
}

export const AUDIT_ACTIONS = {
  // Tokens (the permission is token.record for everything that changes one).
  'token.record': { label: 'Record a token (intent of a push)', permission: 'token.record' },
  'token.push': { label: 'Push finished (token set on environments)', permission: 'token.record' },
  'token.resume': { label: 'Resume a partial push', permission: 'token.record' },
  'token.rotate': { label: 'Rotate a token', permission: 'token.record' },
  'token.supersede': { label: 'Old token superseded (end of a rotation)', permission: 'token.record' },
  'token.compromise': { label: 'Mark a token compromised', permission: 'token.record' },
  'token.revoke': { label: 'Revoke a token (offboarding)', permission: 'token.record' },
  'token.finish_revocation': { label: 'Revocation carried out', permission: 'token.record' },
  'token.move_variable': { label: 'Move a token’s variables to the vendor’s name (intent)', permission: 'token.record' },
  'token.push_interrupted': { label: 'Push interrupted (Keywarden stopped)' },
  // Minted deployment tokens (issue 18.2).
  'token.choose_minting': { label: 'Choose whether a push mints its token (admins)', permission: 'token.choose_minting' },
  'token.mint': { label: 'Mint a deployment token from a pasted one', permission: 'token.record' },
  'token.delete_bootstrap': { label: 'Delete the pasted bootstrap token after a minted push', permission: 'token.record' },
  'token.discard_minted': { label: 'Delete a minted token whose push did not finish', permission: 'token.record' },
  'token.lookup': { label: 'Leaked-token lookup', permission: 'token.lookup' },
  // Machine users.
  'machine_user.invite': { label: 'Invite a machine user', permission: 'machine_user.invite' },
  'machine_user.resend_invitation': { label: 'Re-send an invitation', permission: 'machine_user.manage_invitation' },
  'machine_user.cancel_invitation': { label: 'Cancel an invitation', permission: 'machine_user.manage_invitation' },
  'machine_user.manage_invitation': { label: 'Manage an invitation (refused or invalid)', permission: 'machine_user.manage_invitation' },
  'machine_user.sandbox_accepted': { label: 'Invitation accepted in the sandbox', permission: 'machine_user.manage_invitation' },
  'machine_user.change_roles': { label: 'Change a machine user’s roles', permission: 'machine_user.change_roles' },
  'machine_user.reapply_roles': { label: 'Re-apply a machine user’s approved roles (drift)', permission: 'machine_user.change_roles' },
  'machine_user.remove': { label: 'Remove a machine user (offboarding)', permission: 'machine_user.remove' },
  'machine_user.finish_offboarding': { label: 'Finish an offboarding (revoke what is left)', permission: 'machine_user.remove' },
  'machine_user.access_linked': { label: 'Existing access linked' },
  'machine_user.invitation_accepted': { label: 'Invitation accepted (seen by a sync)' },
  'machine_user.invitation_expired': { label: 'Invitation expired (seen by a sync)' },
  'machine_user.invitation_cancelled': { label: 'Invitation cancelled (seen by a sync)' },
  'machine_user.invitation_error': { label: 'Invitation in error (seen by a sync)' },
  'machine_user.invitation_invited': { label: 'Invitation pending again (seen by a sync)' },
  'machine_user.invitation_missing': { label: 'Invitation never created (seen by a sync)' },
  'machine_user.access_lost': { label: 'Access removed outside Keywarden' },
  'machine_user.roles_changed_outside': { label: 'Roles changed outside Keywarden' },
  'machine_user.sandbox_drift': { label: ({ productName }) => `Change ${productName} behind Keywarden’s back (sandbox)`, permission: 'machine_user.change_roles' },
  'token.sandbox_redeploys': { label: 'Make redeploys fail or succeed in the simulator (sandbox)', permission: 'token.sandbox_redeploys' },
  // Dashboard users.
  'user.invite': { label: 'Invite a dashboard user', permission: 'user.invite' },
  'user.reissue_invitation': { label: 'Re-issue a user’s invitation link', permission: 'user.reissue_invitation' },
  'user.change_role': { label: 'Change a user’s role', permission: 'user.change_role' },
  'user.assign_projects': { label: 'Assign projects to an onboarder', permission: 'user.assign_projects' },
  'user.disable': { label: 'Disable a user', permission: 'user.disable' },
  'user.enable': { label: 'Enable a user', permission: 'user.enable' },
  'user.list': { label: 'View the users (refused)', permission: 'user.list' },
  // Projects and onboarding.
  'inventory.sync': { label: 'Sync the inventory', permission: 'inventory.sync' },
  'onboarding.confirm_config': { label: 'Confirm the app configuration', permission: 'onboarding.confirm_config' },
  'onboarding.sandbox_cron_run': { label: 'Run the cron in the sandbox' },
  // The reviewer's workspace.
  'inventory.export': { label: 'Export the inventory', permission: 'inventory.export' },
  'finding.accept_risk': { label: 'Accept a finding’s risk', permission: 'finding.accept_risk' },
  'policy.update': { label: 'Change the organisation policy', permission: 'policy.update' },
  'campaign.read': { label: 'View access reviews (refused)', permission: 'campaign.read' },
  'campaign.create': { label: 'Start an access review', permission: 'campaign.create' },
  'campaign.sign_off': { label: 'Sign off a machine user in a review', permission: 'campaign.sign_off' },
  'campaign.close': { label: 'Close an access review', permission: 'campaign.close' },
  'campaign.complete_task': { label: 'Mark a review task done', permission: 'campaign.complete_task' },
  'evidence.export': { label: 'Export an evidence pack', permission: 'evidence.export' },
  // Dashboard API keys (each user manages their own; an admin may revoke anyone's).
  'api_key.manage': { label: 'Manage own API keys (refused or invalid)', permission: 'api_key.manage' },
  'api_key.create': { label: 'Create an API key', permission: 'api_key.manage' },
  'api_key.revoke': { label: 'Revoke own API key', permission: 'api_key.manage' },
  'api_key.revoke_any': { label: 'Revoke another user’s API key', permission: 'api_key.revoke_any' },
  // Background jobs (Settings → Jobs).
  'jobs.retry': { label: 'Retry a failed background job', permission: 'jobs.retry' },
  'auth.api_key': { label: 'API key refused' },
  // Notifications (issue 17): each user's own preferences and bell; the organisation's defaults and
  // the sandbox's "Send due reminders now" (admins); each e-mail sent or failed.
  'notification.manage': { label: 'Manage own notifications (refused or invalid)', permission: 'notification.manage' },
  'notification.update_preferences': { label: 'Change own notification preferences', permission: 'notification.manage' },
  'notification.mark_read': { label: 'Mark notifications read', permission: 'notification.manage' },
  'notification.manage_defaults': { label: 'Change the organisation’s notification defaults', permission: 'notification.manage_defaults' },
  'notification.send_due': { label: 'Send due reminders now', permission: 'notification.send_due' },
  'notification.email_sent': { label: 'Notification e-mail sent' },
  'notification.email_failed': { label: 'Notification e-mail failed' },
  'notification.unsubscribe': { label: 'Unsubscribed from one kind of e-mail (signed link)' },
  'mailbox.read': { label: 'View the sandbox mailbox (refused)', permission: 'mailbox.read' },
  'webhook.manage': { label: 'Manage webhooks (refused or invalid)', permission: 'webhook.manage' },
  'webhook.create': { label: 'Register a webhook endpoint', permission: 'webhook.manage' },
  'webhook.delete': { label: 'Delete a webhook endpoint', permission: 'webhook.manage' },
  'webhook.test': { label: 'Send a webhook test event', permission: 'webhook.manage' },
  'webhook.delivered': { label: 'Webhook delivered' },
  'webhook.delivery_failed': { label: 'Webhook delivery failed' },
  // Each user's own account (Account page) and an admin ending someone's sessions (Users → Sessions).
  'account.change_password': { label: 'Change own password', permission: 'account.change_password' },
  'account.end_sessions': { label: 'End own sessions (refused or invalid)', permission: 'account.end_sessions' },
  'account.end_session': { label: 'End one of own sessions', permission: 'account.end_sessions' },
  'account.end_other_sessions': { label: 'End all own other sessions', permission: 'account.end_sessions' },
  'user.read_sessions': { label: 'View users’ sessions (refused)', permission: 'user.read_sessions' },
  'user.end_sessions': { label: 'End a user’s sessions (refused or invalid)', permission: 'user.end_sessions' },
  'user.end_session': { label: 'End a session of a user', permission: 'user.end_sessions' },
  'user.end_all_sessions': { label: 'End all sessions of a user', permission: 'user.end_sessions' },
  // Incident response across many tokens (issue 18.3; admins plan and execute, reviewers read).
  'incident.read': { label: 'View incidents (refused)', permission: 'incident.read' },
  'incident.plan': { label: 'Plan an incident (refused or invalid)', permission: 'incident.plan' },
  'incident.create': { label: 'Plan an incident (bulk revocation)', permission: 'incident.plan' },
  'incident.dry_run': { label: 'Dry run of an incident', permission: 'incident.plan' },
  'incident.execute': { label: 'Execute an incident (intent)', permission: 'incident.execute' },
  'incident.resume': { label: 'Resume an interrupted incident', permission: 'incident.execute' },
  'incident.report': { label: 'Incident verified and reported', permission: 'incident.execute' },
  // The audit log itself.
  'audit.read': { label: 'View the audit log', permission: 'audit.read' },
  'audit.export': { label: 'Export the audit log', permission: 'audit.export' },
  'audit.verify': { label: 'Verify the audit chain', permission: 'audit.verify' },
  // Signing in and first run.
  'auth.sign_in': { label: 'Sign in' },
  'auth.session': { label: 'Session refused' },
  'setup.first_admin': { label: 'First-run set-up' },
  'setup.provision_admin': { label: 'Admin provisioned from configuration' },
  'setup.sandbox_review_demo': { label: 'Sandbox review demo written' },
  'invitation.accept': { label: 'Accept a user invitation' },
  // Second factors (issue 20): each user's own, and the organisation's requirement.
  'auth.second_factor': { label: 'Sign-in second step (authenticator, passkey or recovery code)' },
  'second_factor.manage': { label: 'Manage own second factor (refused or invalid)', permission: 'second_factor.manage' },
  'second_factor.start_enrolment': { label: 'Start setting up an authenticator app', permission: 'second_factor.manage' },
  'second_factor.enrol': { label: 'Set up an authenticator app', permission: 'second_factor.manage' },
  'second_factor.regenerate_recovery_codes': { label: 'Replace own recovery codes', permission: 'second_factor.manage' },
  'second_factor.remove': { label: 'Remove own authenticator app or passkey', permission: 'second_factor.manage' },
  'second_factor.set_policy': { label: 'Change who must use a second factor', permission: 'second_factor.set_policy' },
  'second_factor.start_passkey_enrolment': { label: 'Start adding a passkey', permission: 'second_factor.manage' },
  'second_factor.enrol_passkey': { label: 'Add a passkey', permission: 'second_factor.manage' },
  'second_factor.start_passkey_check': { label: 'Ask for a passkey before removing a second factor', permission: 'second_factor.manage' },
} as const satisfies Record<string, AuditActionInfo>;

export type KnownAuditAction = keyof typeof AUDIT_ACTIONS;

export function isKnownAuditAction(action: string): action is KnownAuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, action);
}

/** The permission an audited action is done under (itself when it is a permission), or undefined. */
export function permissionOf(action: string): Action | undefined {
  if (!isKnownAuditAction(action)) return undefined;
  const info: AuditActionInfo = AUDIT_ACTIONS[action];
  return info.permission;
}

/** The part before the dot: groups the Audit page's action list. */
export function auditActionGroup(action: string): string {
  return action.split('.')[0] ?? action;
}
