import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';

/** A GET form: the search lives in the URL, so it survives a reload and can be shared. */
export function UserSearchForm({ query }: { query: string }) {
  return (
    <Form action="/users" role="search" aria-label="Users" className="mb-4 flex flex-wrap items-end gap-2">
      <div className="w-full max-w-sm">
        <TextField label="Search users" name="q" type="search" defaultValue={query} maxLength={100} placeholder="E-mail or name" autoComplete="off" />
      </div>
      <Button type="submit" variant="secondary">
        Search
      </Button>
      {query ? (
        <Link href="/users" className="rounded-md px-2.5 py-2 text-sm font-medium text-indigo-800 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700">
          Clear search
        </Link>
      ) : null}
    </Form>
  );
}
