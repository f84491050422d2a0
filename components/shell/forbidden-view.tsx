import Link from 'next/link';
import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';

interface DeniedPage {
  pattern: RegExp;
  title: string;
  reason?: ReactNode;
}

const ASK_AN_ADMIN = 'Ask an admin if you need access.';

/**
 * What each page a role may not see says (its heading and who may see it), by the path asked for:
 * the page renders it in its own place as an HTTP 403 (components/shell/refusal-pages.tsx).
 */
const DENIED_PAGES: DeniedPage[] = [
  {
    pattern: /^\/users\/sessions\/?$/,
    title: 'Sessions',
    reason: (
      <>
        Other users’ sessions are visible to admins. Your own are on your{' '}
        <Link href="/account" className="font-medium underline">
          Account
        </Link>{' '}
        page.
      </>
    ),
  },
  { pattern: /^\/users\/?$/, title: 'Users', reason: `Dashboard users are visible to admins and reviewers. ${ASK_AN_ADMIN}` },
  { pattern: /^\/incidents\/[^/]+\/?$/, title: 'Incident', reason: 'Incidents are visible to admins and reviewers.' },
  {
    pattern: /^\/incidents\/?$/,
    title: 'Incident response',
    reason: 'Incidents are planned and executed by admins; reviewers read their reports. Ask an admin if a token must be revoked.',
  },
  { pattern: /^\/review\/campaigns\/[^/]+\/?$/, title: 'Access review', reason: `Access reviews are visible to admins and reviewers. ${ASK_AN_ADMIN}` },
  { pattern: /^\/review\/campaigns\/?$/, title: 'Access reviews', reason: `Access reviews are visible to admins and reviewers. ${ASK_AN_ADMIN}` },
  { pattern: /^\/review\/inventory\/?$/, title: 'Inventory', reason: 'You do not have permission to see the inventory.' },
  { pattern: /^\/audit\/?$/, title: 'Audit', reason: `The audit log is visible to admins and reviewers. ${ASK_AN_ADMIN}` },
  { pattern: /^\/account\/?$/, title: 'Account' },
  { pattern: /^\/settings\/jobs\/?$/, title: 'Jobs', reason: 'The background jobs are visible to admins and reviewers.' },
  { pattern: /^\/settings\/mailbox\/?$/, title: 'Mailbox', reason: 'The sandbox mailbox is visible to admins.' },
  { pattern: /^\/settings\/webhooks\/?$/, title: 'Webhooks', reason: 'Webhooks are managed by admins.' },
  { pattern: /^\/machine-users\/new\/?$/, title: 'Onboard a machine user', reason: 'You do not have permission to onboard machine users.' },
];

/** A page the signed-in person's role may not see (HTTP 403), inside the app shell. */
export function ForbiddenView({ path }: { path: string }) {
  const page = DENIED_PAGES.find((entry) => entry.pattern.test(path));
  return (
    <>
      <PageHeader title={page?.title ?? 'No access'} />
      <Alert tone="warning" title="You do not have access to this page">
        {page ? page.reason : ASK_AN_ADMIN}
      </Alert>
    </>
  );
}
