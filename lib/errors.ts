// One error vocabulary for actions, route handlers and (later) the REST API (STYLE.md habit 3).
// An AppError's message is written for the user and may be shown; anything else is logged and
// replaced by a generic message.

export const ERROR_CODES = ['unauthenticated', 'forbidden', 'invalid_input', 'not_found', 'conflict', 'rate_limited', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type FieldErrors = Record<string, string[]>;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fieldErrors?: FieldErrors;
}

/**
 * What a form sent, by field name, echoed with a refusal so that the form can show it again (React
 * resets a form after its action, and a post without JavaScript renders the page afresh). Only the
 * fields an action names, and never a value that looks like a token (lib/actions/submitted-values.ts).
 */
export type SubmittedValues = Readonly<Record<string, readonly string[]>>;

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody; submitted?: SubmittedValues };

export const HTTP_STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

/** Zod issues as field errors, keyed by the field's path (`form` for the object itself). */
export function fieldErrorsOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): FieldErrors {
  const result: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    (result[key] ??= []).push(issue.message);
  }
  return result;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): ErrorBody {
    return this.fieldErrors
      ? { code: this.code, message: this.message, fieldErrors: this.fieldErrors }
      : { code: this.code, message: this.message };
  }
}

/**
 * A unique-constraint violation from Prisma (P2002). Checked by shape, not `instanceof`: the client
 * may come from another bundle of the same process (see PlatformshError's brand).
 */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002' && (error as { name?: unknown }).name === 'PrismaClientKnownRequestError';
}

/** An AppError from any bundle of this process (see isUniqueViolation). */
export function isAppError(error: unknown): error is AppError {
  return error instanceof Error && error.name === 'AppError' && typeof (error as { toBody?: unknown }).toBody === 'function';
}

export const GENERIC_ERROR_MESSAGE = 'Something went wrong on our side. Nothing was changed; please try again.';

export function ok<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, fieldErrors?: FieldErrors): { ok: false; error: ErrorBody } {
  return { ok: false, error: new AppError(code, message, fieldErrors).toBody() };
}

/** Runs work whose expected failures are AppErrors and answers with a typed result; anything else is rethrown. */
export async function resultOf<T>(run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return ok(await run());
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toBody() };
    throw error;
  }
}
