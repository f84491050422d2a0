import { cn } from '@/lib/utils';

/**
 * A long value (an e-mail address, an id, a token's name) cut short with an ellipsis where space
 * runs out. The full value stays in the text (copied, read by screen readers), in `title` on hover,
 * and the element takes focus, so that keyboard users get the title too.
 */
export function Truncated({ value, maxWidth = 'max-w-full', className }: { value: string; /** A max-width class: a table cell needs a length (e.g. max-w-64). */ maxWidth?: string; className?: string }) {
  return (
    <span
      title={value}
      tabIndex={0}
      className={cn(
        'inline-block truncate align-bottom',
        maxWidth,
        'rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700',
        className,
      )}
    >
      {value}
    </span>
  );
}
