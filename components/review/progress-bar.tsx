import { cn } from '@/lib/utils';

/**
 * Decided of total, as a bar and in words. A server component; the bar is a labelled progressbar,
 * and the words say the same for anyone who cannot see it.
 */
export function ProgressBar({ label, value, total, className }: { label: string; value: number; total: number; className?: string }) {
  const percent = total === 0 ? 100 : Math.round((value / total) * 100);
  return (
    <div className={cn('space-y-1', className)}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={value}
        aria-valuetext={`${value} of ${total}`}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={cn('h-full rounded-full', percent === 100 ? 'bg-emerald-600' : 'bg-indigo-600')} style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-slate-700">
        {value} of {total} decided ({percent}%)
      </p>
    </div>
  );
}
