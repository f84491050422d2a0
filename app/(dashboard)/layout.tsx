import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { requirePageContext } from '@/lib/auth/session';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { actor } = await requirePageContext();
  return <AppShell actor={actor}>{children}</AppShell>;
}
