import type { Metadata } from 'next';
import { AreaPlaceholder } from '@/components/shell/area-placeholder';

export const metadata: Metadata = { title: 'Tokens' };

export default function TokensPage() {
  return (
    <AreaPlaceholder
      title="Tokens"
      description="API tokens of machine users: where each one is set as env:PLATFORMSH_CLI_TOKEN, its age and when it must be rotated."
      emptyTitle="No tokens recorded yet"
    >
      Keywarden never stores a token value: it keeps a keyed fingerprint, the last four characters and where the token
      was pushed. Recorded tokens will appear here.
    </AreaPlaceholder>
  );
}
