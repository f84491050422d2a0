import { hasControlCharacters } from '@/lib/validations/text';

/** Joins class names, skipping falsy ones. */
export function cn(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID (the ids of Keywarden's rows) — checked before a value reaches a uuid column or an answer. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** A page's search parameters as Next.js gives them (a repeated key is an array). */
export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The first value of a search parameter: a repeated key counts once, as a form would send it. A
 * value with a control character is no filter anyone typed: it is ignored (PostgreSQL cannot even
 * compare a NUL, so `?q=%00` used to answer 500).
 */
export function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || hasControlCharacters(first) ? undefined : first;
}

/** {@link firstValue} of each search parameter: what every page reads its URL state through. */
export function firstValues(params: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, firstValue(value)]));
}

/**
 * A count and its noun, singular for one: `countOf(1, 'environment')` is "1 environment". The noun's
 * plural is its singular with an "s" unless given.
 */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
