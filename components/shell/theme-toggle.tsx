import { chooseThemeAction } from '@/lib/actions/theme';
import { THEMES, type ThemePreference } from '@/lib/theme/preference';
import { cn } from '@/lib/utils';

const LABELS: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/**
 * Three pressed-or-not buttons in one form: a server action, so it works before hydration and
 * without JavaScript; the page re-renders with the new <html> class.
 */
export function ThemeToggle({ theme }: { theme: ThemePreference }) {
  return (
    <form action={chooseThemeAction}>
      <div role="group" aria-label="Theme" className="inline-flex rounded-md bg-shell-hover p-0.5">
        {THEMES.map((option) => (
          <button
            key={option}
            type="submit"
            name="theme"
            value={option}
            aria-pressed={option === theme}
            className={cn(
              'rounded px-2.5 py-1 text-xs font-medium text-shell-text',
              'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-300',
              option === theme ? 'bg-shell-current' : 'hover:bg-shell-current/60',
            )}
          >
            {LABELS[option]}
          </button>
        ))}
      </div>
    </form>
  );
}
