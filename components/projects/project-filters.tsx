import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { ProjectListQuery } from '@/lib/validations/inventory';
import { isFiltered } from './projects-table';

const linkClasses =
  'rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

/** A GET form: search and filters live in the URL (with the sort), so they survive a reload. */
export function ProjectFilters({ query, productName }: { query: ProjectListQuery; productName: string }) {
  return (
    <Form action="/projects" role="search" aria-label="Projects" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="w-full max-w-xs">
        <TextField label="Search projects" name="q" type="search" defaultValue={query.q} maxLength={100} placeholder="Title or project id" autoComplete="off" />
      </div>
      <div className="w-56">
        <SelectField label="CLI token on production" name="variable" defaultValue={query.variable}>
          <option value="any">Any</option>
          <option value="on-production">Set on production</option>
          <option value="missing">Not on production</option>
        </SelectField>
      </div>
      <div className="w-56">
        <SelectField label="Show" name="state" defaultValue={query.state}>
          <option value="current">Projects on {productName}</option>
          <option value="failed">Last sync failed</option>
          <option value="missing">Gone from {productName}</option>
        </SelectField>
      </div>
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      {isFiltered(query) ? (
        <Link href="/projects" className={linkClasses}>
          Clear filters
        </Link>
      ) : null}
    </Form>
  );
}
