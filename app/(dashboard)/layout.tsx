import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { VendorProvider } from '@/components/vendor-context';
import { requirePageContext } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { countUnread } from '@/lib/domain/notifications/inbox';
import { currentThemePreference } from '@/lib/theme/server';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const context = await requirePageContext();
  const [theme, unreadCount] = await Promise.all([currentThemePreference(), countUnread(context)]);
  return (
    <AppShell actor={context.actor} theme={theme} unreadCount={unreadCount}>
      <VendorProvider vendor={getConfig().platformsh.vendor}>{children}</VendorProvider>
    </AppShell>
  );
}
