// A server action is a public POST endpoint whose id is in the page's script: a signed-in caller can
// call any of them with any arguments (`[null, "x"]` instead of the form a form action takes). Every
// exported action of every "use server" module here is called by a signed-in admin (who passes
// every authorization) with arguments of the wrong shape: each must answer (a typed refusal, or
// nothing for a native form's action), never throw, and log nothing at error level. Before, each
// form action read a field of whatever it was given: a TypeError, logged at error level and
// answered "Something went wrong on our side". A new action file or export is covered as it lands.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '@/lib/logger';
import { setUpApiWorld } from '@/lib/testing/api-client';
import { serverActionsIn } from '@/lib/testing/server-actions';

// The request scope Next gives an action: the admin's real session cookie (signed, with a session
// row), no proxy header. Set once the world is seeded.
const request = vi.hoisted(() => ({ cookie: '' }));
vi.mock('next/headers', () => ({
  cookies: async () => {
    const [name, value] = request.cookie.split(/=(.*)/s);
    const all = name && value ? [{ name, value }] : [];
    return { get: (wanted: string) => all.find((cookie) => cookie.name === wanted), getAll: () => all, set: () => undefined, delete: () => undefined };
  },
  // Called as React calls an action, naming it (lib/actions/document-post.ts).
  headers: async () => new Headers({ 'next-action': 'argument-shapes-test' }),
}));
// Outside a render there is no cache to revalidate.
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/** Actions not called: each ends the admin's session, which the calls after it need. */
const ENDS_THE_SESSION = ['signOutAction', 'endOwnSessionsAction'];

const serverActions = () => serverActionsIn(import.meta.dirname, ENDS_THE_SESSION);

/** What a hand-made call can send in place of the arguments (encodeReply's JSON values). */
const WRONG_SHAPES: unknown[][] = [[], [null, null], ['x', 1, true], [{}, []]];

describe('every server action answers arguments of the wrong shape without failing', () => {
  const world = setUpApiWorld('pglite', ['Docs']);
  beforeAll(() => {
    request.cookie = world.cookie;
  });

  it('finds the action modules (a guard against an empty run)', async () => {
    expect((await serverActions()).length).toBeGreaterThan(60);
  });

  // Some 250 calls, each reading the session and writing its refusal to the audit log: more than the
  // suite's minute on a busy machine.
  it('answers a signed-in admin’s call with the wrong arguments, and logs no error', { timeout: 240_000 }, async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const failures: string[] = [];
    try {
      for (const [name, action] of await serverActions()) {
        for (const args of WRONG_SHAPES) {
          const label = `${name}(${JSON.stringify(args).slice(1, -1)})`;
          errors.mockClear();
          const result = await action(...args).catch((error: unknown) => ({ threw: String(error) }));
          if (typeof result === 'object' && result !== null && 'threw' in result) failures.push(`${label} threw ${String(result.threw)}`);
          const code = (result as { error?: { code?: string; message?: string } } | undefined)?.error;
          // "internal" is the generic answer to Keywarden's own failure, and says nothing of the input.
          if (code?.code === 'internal' && !/no connection to the Platform\.sh API/.test(code.message ?? '')) failures.push(`${label} answered internal`);
          if (errors.mock.calls.length) failures.push(`${label} logged ${errors.mock.calls.map(([message]) => message).join(', ')}`);
        }
      }
    } finally {
      errors.mockRestore();
    }
    expect(failures).toEqual([]);
  });
});
