'use client';

import { useCallback, useState } from 'react';
import type { ActionResult, ErrorBody } from '@/lib/errors';

const UNREACHABLE: ErrorBody = {
  code: 'internal',
  message: 'Keywarden could not be reached. Check your connection and try again; nothing was changed.',
};

/**
 * Calls a server action and tracks what a dialog needs: whether it is running (to disable the
 * controls) and the last error (to show it while the dialog stays open).
 */
export function useServerAction<Input, Data>(action: (input: Input) => Promise<ActionResult<Data>>) {
  const [isPending, setIsPending] = useState(false);
  const [error, setError] = useState<ErrorBody>();

  const run = useCallback(
    async (input: Input): Promise<ActionResult<Data>> => {
      setIsPending(true);
      setError(undefined);
      let result: ActionResult<Data>;
      try {
        result = await action(input);
      } catch {
        // The action itself never throws; this is the network or the server being down.
        result = { ok: false, error: UNREACHABLE };
      }
      setIsPending(false);
      if (!result.ok) setError(result.error);
      return result;
    },
    [action],
  );

  const reset = useCallback(() => setError(undefined), []);

  return { run, isPending, error, reset };
}
