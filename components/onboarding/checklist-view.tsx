import { Badge } from '@/components/ui/badge';
import type { Checklist } from '@/lib/onboarding';
import { formatDateTime } from '@/lib/utils';

/** The six steps in order, each with its evidence and date; the next step is marked. */
export function ChecklistView({ checklist, label }: { checklist: Checklist; label: string }) {
  return (
    <ol aria-label={label} className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {checklist.steps.map((step, index) => {
        const isNext = step.key === checklist.nextStep;
        return (
          <li key={step.key} className="flex gap-3 px-4 py-3" aria-current={isNext ? 'step' : undefined}>
            <span aria-hidden="true" className={step.isDone ? 'text-emerald-700' : 'text-slate-400'}>
              {step.isDone ? '✔' : '○'}
            </span>
            <div className="min-w-0 flex-1">
              <p className="text-sm font-medium text-slate-900">
                {index + 1}. {step.label} <span className="sr-only">{step.isDone ? '(done)' : '(not done)'}</span>
                {step.isDone ? (
                  <span className="ml-2">
                    <Badge tone="green">Done</Badge>
                  </span>
                ) : isNext ? (
                  <span className="ml-2">
                    <Badge tone="indigo">Next</Badge>
                  </span>
                ) : null}
              </p>
              <p className="mt-0.5 text-sm text-slate-700">{step.evidence}</p>
              {step.at ? <p className="mt-0.5 text-xs text-slate-600">{formatDateTime(step.at)}</p> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** "4 of 6 steps" in words, or "Fully onboarded". */
export function checklistSummary(checklist: Checklist): string {
  if (checklist.isComplete) return 'Fully onboarded';
  return `${checklist.progress} of ${checklist.steps.length} steps in a row`;
}
