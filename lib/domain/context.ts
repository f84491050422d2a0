import type { Actor } from '@/lib/auth/authorize';

/** Who is calling, from where: built once per request from the verified session. */
export interface RequestContext {
  actor: Actor;
  clientAddress: string | null;
  /** The dashboard session making the request (absent for an API key): "this session" on the Account page. */
  sessionId?: string;
}
