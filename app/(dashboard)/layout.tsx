import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { VendorProvider } from '@/components/vendor-context';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { currentThemePreference } from '@/lib/theme/server';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { actor } = await requirePageContext();
  return (
    <AppShell actor={actor} theme={await currentThemePreference()}>
      <VendorProvider vendor={getConfig().platformsh.vendor}>{children}</VendorProvider>
    </AppShell>
  );
}
