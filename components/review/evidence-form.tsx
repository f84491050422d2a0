// Downloading an evidence pack: a plain POST form to the route handler, so it works without
// JavaScript and the browser saves the ZIP. For a campaign (hidden field) or for a range of days.
// A range the route refuses comes back to this form (a 303 to its page, the days as typed in the
// URL): the page checks them again and passes the errors, shown beside their fields.
import { buttonClasses } from '@/components/ui/button';
import { ErrorSummary, fieldErrorsFor } from '@/components/ui/error-summary';
import { TextField } from '@/components/ui/field';
import type { ErrorBody } from '@/lib/errors';

export function CampaignEvidenceForm({ campaignId, name }: { campaignId: string; name: string }) {
  return (
    <form method="post" action="/api/review/evidence" aria-label={`Evidence pack of ${name}`}>
      <input type="hidden" name="campaignId" value={campaignId} />
      <button type="submit" className={buttonClasses('secondary')}>
        Download the evidence pack
      </button>
    </form>
  );
}

export function RangeEvidenceForm({ from, to, error }: { from: string; to: string; error?: ErrorBody }) {
  return (
    <form method="post" action="/api/review/evidence" aria-label="Evidence pack" className="space-y-3">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="First day (UTC)" name="from" type="date" required defaultValue={from} errors={fieldErrorsFor(error, 'from')} />
        <TextField label="Last day (UTC, included)" name="to" type="date" required defaultValue={to} errors={fieldErrorsFor(error, 'to')} />
      </div>
      <button type="submit" className={buttonClasses('secondary')}>
        Download the evidence pack
      </button>
      <ErrorSummary error={error} />
    </form>
  );
}
