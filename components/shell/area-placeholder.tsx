import type { ReactNode } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';

/** An area of the product that has no content yet: says what will be here and what to do meanwhile. */
export function AreaPlaceholder({ title, description, emptyTitle, children }: { title: string; description: string; emptyTitle: string; children: ReactNode }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState title={emptyTitle}>{children}</EmptyState>
    </>
  );
}
