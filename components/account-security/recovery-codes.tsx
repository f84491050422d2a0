// One-time recovery codes, shown once (after enrolment or regeneration): Keywarden keeps only
// their digests, so this is the only time anyone sees them.
import { Alert } from '@/components/ui/alert';

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Alert tone="success" title="Save your recovery codes">
      <p>
        Each code signs you in once if your authenticator app or passkey is lost. Keep them somewhere safe (a password manager): this is the only time
        they are shown.
      </p>
      <ol aria-label="Recovery codes" className="mt-3 grid grid-cols-1 gap-1 font-mono text-sm sm:grid-cols-2">
        {codes.map((code) => (
          <li key={code} className="rounded bg-white px-2 py-1 text-slate-900">
            {code}
          </li>
        ))}
      </ol>
    </Alert>
  );
}
