'use server';
// The Audit page's "Verify the chain" button: a native form post of this action (it works before
// hydration and without JavaScript). The result is on the audit log itself, which the page reads
// back (lib/domain/audit-verification.ts), so the action returns nothing to the form.
import { revalidatePath } from 'next/cache';
import { verifyAuditLog } from '@/lib/domain/audit-verification';
import { asSignedInUser } from './signed-in';

export async function verifyAuditChainAction(): Promise<void> {
  const result = await asSignedInUser('audit.verify', (context) => verifyAuditLog(context));
  if (result.ok) revalidatePath('/audit');
}
