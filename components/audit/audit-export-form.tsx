import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { AUDIT_FILTER_KEYS, type AuditFilterValues } from './audit-list-params';

/**
 * Downloads the rows of the current filter: a plain GET form to the export route (which streams
 * the file), so it needs no JavaScript. The filters ride along as hidden fields.
 */
export function AuditExportForm({ filters }: { filters: AuditFilterValues }) {
  return (
    <form method="get" action="/api/audit/export" aria-label="Export the audit log" className="flex flex-wrap items-end gap-2">
      {AUDIT_FILTER_KEYS.map((key) => (filters[key] ? <input key={key} type="hidden" name={key} value={filters[key]} /> : null))}
      <div className="w-40">
        <SelectField label="Export format" name="format" defaultValue="csv">
          <option value="csv">CSV</option>
          <option value="ndjson">NDJSON</option>
        </SelectField>
      </div>
      <Button type="submit" variant="secondary">
        Export these events
      </Button>
    </form>
  );
}
