import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { SandboxBanner } from '@/components/shell/sandbox-banner';
import { getConfig } from '@/lib/config';
import { htmlThemeClass } from '@/lib/theme/preference';
import { currentThemePreference } from '@/lib/theme/server';
import './globals.css';
import { configuredVendor } from '@/lib/domain/platformsh-connection';

export const metadata: Metadata = {
  title: { default: 'Keywarden', template: '%s · Keywarden' },
  description: 'Machine users and API tokens for Platform.sh and Upsun, accounted for.',
  robots: { index: false, follow: false },
};

// Every page carries a per-request CSP nonce, so nothing is prerendered.
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the nonce makes Next attach it to its own scripts.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  // The chosen theme is a class rendered by the server: the first paint is already in it (no script).
  const themeClass = htmlThemeClass(await currentThemePreference());
  return (
    <html lang="en" className={themeClass} data-nonce-present={nonce ? 'true' : 'false'}>
      <body className="min-h-screen font-sans antialiased">
        {getConfig().platformsh.mode === 'sandbox' ? <SandboxBanner productName={configuredVendor().productName} /> : null}
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
