'use client';
// A form of this area whose request never reached Keywarden (the network, a restart) lands here
// rather than on a blank page: nothing was changed unless the page shows it after a reload.
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

export default function CampaignsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="space-y-4">
      <Alert tone="error" title="Keywarden could not be reached">
        Check your connection and try again. Nothing was changed unless the page shows it once reloaded.
      </Alert>
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
