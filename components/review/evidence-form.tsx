// Downloading an evidence pack: a plain POST form to the route handler, so it works without
// JavaScript and the browser saves the ZIP. For a campaign (hidden field) or for a range of days.
import { buttonClasses } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

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

export function RangeEvidenceForm({ defaultFrom, defaultTo }: { defaultFrom: string; defaultTo: string }) {
  return (
    <form method="post" action="/api/review/evidence" aria-label="Evidence pack" className="space-y-3">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="First day" name="from" type="date" required defaultValue={defaultFrom} />
        <TextField label="Last day" name="to" type="date" required defaultValue={defaultTo} />
      </div>
      <button type="submit" className={buttonClasses('secondary')}>
        Download the evidence pack
      </button>
    </form>
  );
}
