import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { requirePageContext } from '@/lib/auth/session';
import { currentThemePreference } from '@/lib/theme/server';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { actor } = await requirePageContext();
  return (
    <AppShell actor={actor} theme={await currentThemePreference()}>
      {children}
    </AppShell>
  );
}
