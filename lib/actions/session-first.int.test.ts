// A server action is a public POST endpoint (STYLE.md habit 2): who is calling → may they → validate.
// Every exported action of every "use server" module here is called without a session, with
// arguments that record each read of a field: each must answer "unauthenticated" and must not have
// read a field before it looked for the session. A new action file or export is covered as it lands.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { serverActionsIn, type ServerAction } from '@/lib/testing/server-actions';
import { setUpTestDatabase } from '@/lib/testing/suite-database';

// The request scope Next gives an action: no session cookie, no proxy header. The one stand-in of the
// file (there is no Next request outside a server); each look at the cookies marks the session check.
const request = vi.hoisted(() => ({ sessionChecked: false, revalidated: [] as string[] }));
vi.mock('next/headers', () => ({
  cookies: async () => {
    request.sessionChecked = true;
    return { get: () => undefined, getAll: () => [] };
  },
  // Called as React calls an action, naming it (lib/actions/document-post.ts): a native form post
  // of some actions answers with a redirect instead of a typed result.
  headers: async () => new Headers({ 'next-action': 'session-first-test' }),
}));
// Outside a render there is no cache to revalidate: recorded instead (a refused call revalidates nothing).
vi.mock('next/cache', () => ({
  revalidatePath: (page: string) => void request.revalidated.push(page),
}));

/** Actions that need no session by design: each is gated otherwise (see its module). */
const WITHOUT_SESSION: Record<string, string> = {
  chooseThemeAction: 'a display preference of one browser (theme.ts)',
  completeFirstAdminSetupAction: 'gated by the one-time set-up link in its input (accounts.ts)',
  acceptInvitationAction: 'gated by the one-time invitation link in its input (accounts.ts)',
  signOutAction: 'ends whatever session the cookie names, a half-signed-in one too; it reads no input (sign-out.ts)',
};

type Read = { argument: number; field: string; afterSessionCheck: boolean };

/** A form whose every read of a field is recorded. */
class RecordingFormData extends FormData {
  constructor(
    private readonly reads: Read[],
    private readonly argument: number,
  ) {
    super();
    this.append('name', 'value');
  }
  private record(field: string): void {
    this.reads.push({ argument: this.argument, field, afterSessionCheck: request.sessionChecked });
  }
  override get(name: string) {
    this.record(name);
    return super.get(name);
  }
  override getAll(name: string) {
    this.record(name);
    return super.getAll(name);
  }
  override has(name: string) {
    this.record(name);
    return super.has(name);
  }
  override entries() {
    this.record('(entries)');
    return super.entries();
  }
  override keys() {
    this.record('(keys)');
    return super.keys();
  }
  override values() {
    this.record('(values)');
    return super.values();
  }
  override forEach(callback: (value: FormDataEntryValue, key: string, parent: FormData) => void) {
    this.record('(forEach)');
    super.forEach(callback);
  }
  override [Symbol.iterator]() {
    this.record('(iterator)');
    return super[Symbol.iterator]();
  }
}

/** A plain-object argument (what a hydrated form or a button sends) whose every property read is recorded. */
function recordingObject(reads: Read[], argument: number): object {
  const record = (field: PropertyKey) => reads.push({ argument, field: String(field), afterSessionCheck: request.sessionChecked });
  return new Proxy(
    {},
    {
      get: (target, field) => (record(field), Reflect.get(target, field)),
      has: (target, field) => (record(field), Reflect.has(target, field)),
      ownKeys: (target) => (record('(keys)'), Reflect.ownKeys(target)),
      getOwnPropertyDescriptor: (target, field) => (record(field), Reflect.getOwnPropertyDescriptor(target, field)),
    },
  );
}

const serverActions = () => serverActionsIn(import.meta.dirname);

/**
 * Arguments that record their reads, shaped as the forms send them: a form action
 * (useActionState) takes the previous state then the form; any other takes plain values.
 */
function recordingArguments(action: ServerAction, reads: Read[]): { asForm: unknown[]; asObjects: unknown[] } {
  const positions = Array.from({ length: action.length }, (_, index) => index);
  const isFormAction = action.length === 2;
  return {
    asForm: positions.map((index) => (isFormAction && index === 0 ? null : new RecordingFormData(reads, index))),
    asObjects: positions.map((index) => (isFormAction && index === 0 ? null : recordingObject(reads, index))),
  };
}

describe('every server action checks the session before it reads its input', () => {
  setUpTestDatabase('pglite');

  beforeEach(() => {
    request.sessionChecked = false;
    request.revalidated = [];
  });

  it('finds the action modules (a guard against an empty run)', async () => {
    const names = (await serverActions()).map(([name]) => name);
    expect(names.length).toBeGreaterThan(60);
    for (const exempt of Object.keys(WITHOUT_SESSION)) expect(names.some((name) => name.endsWith(`: ${exempt}`))).toBe(true);
  });

  it('answers "unauthenticated" without a session, having read no field before the session check', async () => {
    const failures: string[] = [];
    for (const [name, action] of await serverActions()) {
      if (Object.keys(WITHOUT_SESSION).some((exempt) => name.endsWith(`: ${exempt}`))) continue;
      const reads: Read[] = [];
      request.revalidated = [];
      const { asForm, asObjects } = recordingArguments(action, reads);
      for (const args of [asForm, asObjects]) {
        request.sessionChecked = false;
        // An action that uses a form's methods on a plain object throws: only if it reads it early.
        const result = await action(...args).catch((error: unknown) => `threw ${String(error)}`);
        // A native form's action may answer nothing (the page reads its outcome back).
        const isRefused = typeof result === 'object' && result !== null && (result as { error?: { code?: string } }).error?.code === 'unauthenticated';
        if (result !== undefined && !isRefused) failures.push(`${name} answered ${JSON.stringify(result)}`);
      }
      if (request.revalidated.length) failures.push(`${name} revalidated ${request.revalidated.join(', ')} without a session`);
      const early = reads.filter((read) => !read.afterSessionCheck);
      if (early.length) failures.push(`${name} read ${early.map((read) => `argument ${read.argument}.${read.field}`).join(', ')} before the session check`);
    }
    expect(failures).toEqual([]);
  });
});
