import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import type { FindingListQuery } from '@/lib/validations/findings';
import { SEVERITY_LABEL } from './severity';

const linkClasses =
  'rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

/** The list's URL parameters other than the page (which a new filter resets). */
export function findingParams(query: FindingListQuery, overrides: Partial<FindingListQuery> = {}): Record<string, string | undefined> {
  const merged = { ...query, ...overrides };
  return {
    severity: merged.severity === 'all' ? undefined : merged.severity,
    rule: merged.rule || undefined,
    project: merged.project || undefined,
    status: merged.status === 'open' ? undefined : merged.status,
    sort: merged.sort === 'severity' ? undefined : merged.sort,
    dir: merged.dir === 'desc' ? undefined : merged.dir,
  };
}

export function isFindingFiltered(query: FindingListQuery): boolean {
  return query.severity !== 'all' || query.rule !== '' || query.project !== '';
}

/** A GET form: the filters and the sort live in the URL, so they survive a reload and work without JavaScript. */
export function FindingFilters({ query, rules, projects }: { query: FindingListQuery; rules: { id: string; title: string }[]; projects: { id: string; title: string }[] }) {
  return (
    <Form action="/review" role="search" aria-label="Findings" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="w-40">
        <SelectField label="Status" name="status" defaultValue={query.status}>
          <option value="open">Open</option>
          <option value="accepted">Accepted risks</option>
          <option value="resolved">Resolved</option>
        </SelectField>
      </div>
      <div className="w-40">
        <SelectField label="Severity" name="severity" defaultValue={query.severity}>
          <option value="all">Any</option>
          {(['critical', 'high', 'medium', 'low'] as const).map((severity) => (
            <option key={severity} value={severity}>
              {SEVERITY_LABEL[severity]}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="w-full max-w-xs">
        <SelectField label="Rule" name="rule" defaultValue={query.rule}>
          <option value="">Any rule</option>
          {rules.map((rule) => (
            <option key={rule.id} value={rule.id}>
              {rule.title}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="w-56">
        <SelectField label="Project" name="project" defaultValue={query.project}>
          <option value="">Any project</option>
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.title}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="w-48">
        <SelectField label="Sort by" name="sort" defaultValue={query.sort}>
          <option value="severity">Severity</option>
          <option value="first_seen">First seen</option>
          <option value="last_seen">Last seen</option>
          <option value="rule">Rule</option>
        </SelectField>
      </div>
      <div className="w-36">
        <SelectField label="Order" name="dir" defaultValue={query.dir}>
          <option value="desc">Descending</option>
          <option value="asc">Ascending</option>
        </SelectField>
      </div>
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      {isFindingFiltered(query) ? (
        <Link href={query.status === 'open' ? '/review' : `/review?status=${query.status}`} className={linkClasses}>
          Clear filters
        </Link>
      ) : null}
    </Form>
  );
}
