// Calling REST API v1 operations in tests through their real route handlers (no server): the
// request is built as a client would send it (path, query, JSON body, key or session cookie), and
// every JSON answer is checked against the OpenAPI document on the way back.
import { randomBytes } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import { beforeAll, expect } from 'vitest';
import { routeHandler, type Endpoint } from '@/lib/api/endpoint';
import { getAuthOptions } from '@/lib/auth/options';
import { sessionCookieName } from '@/lib/auth/session';
import { getConfig } from '@/lib/config';
import { getSecrets } from '@/lib/config/secrets';
import type { Database } from '@/lib/db';
import { createApiKey } from '@/lib/domain/api-keys';
import { getDashboardClient } from '@/lib/domain/platformsh-connection';
import { startSession } from '@/lib/domain/sessions';
import type { Role } from '@/lib/roles';
import type { TestDatabaseKind } from './database';
import { contextFor, createProjects, createUser } from './fixtures';
import { expectMatchesDocument } from './openapi';
import { setUpTestDatabase, type SuiteDatabase } from './suite-database';

export interface ApiAnswer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
  headers: Headers;
}

export interface ApiCall {
  params?: Record<string, string>;
  /** Pairs: a name may repeat. */
  query?: Record<string, string> | [string, string][];
  key?: string;
  cookie?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (with `application/json` unless headers say otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
  address?: string;
  /** Check the answer against the OpenAPI document (default true). */
  validate?: boolean;
}

export const apiOrigin = () => getConfig().publicUrl.origin;

export async function callEndpoint(endpoint: Endpoint, options: ApiCall = {}): Promise<ApiAnswer> {
  let path = endpoint.path;
  for (const [name, value] of Object.entries(options.params ?? {})) path = path.replace(`{${name}}`, encodeURIComponent(value));
  const url = new URL(path, apiOrigin());
  for (const [name, value] of Array.isArray(options.query) ? options.query : Object.entries(options.query ?? {})) url.searchParams.append(name, value);
  const headers: Record<string, string> = { 'x-forwarded-for': options.address ?? '203.0.113.10', ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    body = options.rawBody ?? JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const request = new Request(url, { method: endpoint.method, headers, body });
  const response = await routeHandler(endpoint)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const json = contentType.includes('json') && !contentType.includes('ndjson') ? (JSON.parse(text) as unknown) : null;
  // Every answer is one the document promises.
  if (json !== null && options.validate !== false) expectMatchesDocument(endpoint.method, url.pathname, response.status, contentType, json);
  return { status: response.status, contentType, text, json, headers: response.headers };
}

/** An API key of `user` through the domain (as Settings → API keys makes one); `input` overrides the defaults. */
export async function createTestApiKey(user: { id: string; email: string; role: Role }, projectIds: string[] = [], input: Record<string, unknown> = {}, now?: Date) {
  const result = await createApiKey(contextFor(user, projectIds), { name: `key ${randomBytes(3).toString('hex')}`, expires_in_days: 30, ...input }, getSecrets(getConfig()).apiKey, now);
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.data;
}

export async function apiKeyFor(user: { id: string; email: string; role: Role }, projectIds: string[] = []): Promise<string> {
  return (await createTestApiKey(user, projectIds)).key;
}

export async function sessionCookieFor(db: Database, user: { id: string; sessionVersion: number }): Promise<string> {
  const sid = await startSession(db, user.id, { maxAgeSeconds: 3600, clientAddress: null });
  const token = await encode({ token: { sub: user.id, sid, sv: user.sessionVersion }, secret: getAuthOptions().secret! });
  return `${sessionCookieName()}=${token}`;
}

export type TestUser = Awaited<ReturnType<typeof createUser>>;

export interface ApiWorld {
  database: SuiteDatabase;
  db: Database;
  users: Record<Role, TestUser>;
  keys: Record<Role, string>;
  /** The admin's session cookie. */
  cookie: string;
}

/**
 * The world the API suites share, set up before the suite's tests and destroyed after: a test
 * database in use, projects, an admin, a reviewer and an onboarder assigned to the first project,
 * each with an API key, and the admin's session cookie. It has no Platform.sh connection (checked):
 * what needs one answers 503 to a caller who may act.
 */
export function setUpApiWorld(kind: TestDatabaseKind, projects: readonly string[], seed?: (world: ApiWorld) => Promise<void>): ApiWorld {
  const database = setUpTestDatabase(kind);
  const world = { database } as ApiWorld;
  beforeAll(async () => {
    expect(getDashboardClient()).toBeUndefined();
    world.db = database.db;
    await createProjects(world.db, [...projects]);
    const assigned = [projects[0]!];
    world.users = {
      admin: await createUser(world.db, { role: 'admin' }),
      onboarder: await createUser(world.db, { role: 'onboarder', projectIds: assigned }),
      reviewer: await createUser(world.db, { role: 'reviewer' }),
    };
    world.keys = {
      admin: await apiKeyFor(world.users.admin),
      onboarder: await apiKeyFor(world.users.onboarder, assigned),
      reviewer: await apiKeyFor(world.users.reviewer),
    };
    world.cookie = await sessionCookieFor(world.db, world.users.admin);
    await seed?.(world);
  });
  return world;
}

/**
 * The one 5xx an operation may answer: 503 `unavailable` (with Retry-After) when Keywarden has no
 * connection to Platform.sh — and only to a caller who may act; others are refused first.
 */
export function isUnavailableAnswer(answer: { status: number; text: string; headers: Headers }, callerMayAct: boolean): boolean {
  if (!callerMayAct || answer.status !== 503 || answer.headers.get('retry-after') === null) return false;
  try {
    return (JSON.parse(answer.text) as { code?: unknown }).code === 'unavailable';
  } catch {
    return false;
  }
}
