// Cursor pagination as the organisation endpoints do it: `page[size]` (1–100), opaque
// `page[after]` / `page[before]` cursors, `_links.next.href` / `_links.previous.href`, and `count`
// over all pages. Items are ordered by id, so a cursor stays valid while items are added.
import { SimulatorHttpError } from './errors';

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 100;

export interface Page<T> {
  items: T[];
  count: number;
  links: { self: { href: string }; next?: { href: string }; previous?: { href: string } };
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

export function paginate<T extends { id: string }>(all: T[], query: URLSearchParams, baseUrl: string, path: string): Page<T> {
  const sizeText = query.get('page[size]');
  const size = sizeText === null ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new SimulatorHttpError(400, `page[size] must be an integer between 1 and ${MAX_PAGE_SIZE}.`, 'problem');
  }
  const sorted = [...all].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = query.get('page[after]');
  const before = query.get('page[before]');
  let start = 0;
  let end = Math.min(size, sorted.length);
  if (after !== null) {
    const afterId = decodeCursor(after);
    start = sorted.findIndex((item) => item.id > afterId);
    if (start < 0) start = sorted.length;
    end = Math.min(start + size, sorted.length);
  } else if (before !== null) {
    const beforeId = decodeCursor(before);
    end = sorted.findIndex((item) => item.id >= beforeId);
    if (end < 0) end = sorted.length;
    start = Math.max(0, end - size);
  }
  const items = sorted.slice(start, end);
  const linkTo = (cursorName: 'page[after]' | 'page[before]' | null, cursor?: string) => {
    const url = new URL(path, baseUrl);
    for (const [key, value] of query) if (key !== 'page[after]' && key !== 'page[before]') url.searchParams.append(key, value);
    if (cursorName && cursor !== undefined) url.searchParams.set(cursorName, cursor);
    return { href: url.toString() };
  };
  const links: Page<T>['links'] = { self: after !== null ? linkTo('page[after]', after) : before !== null ? linkTo('page[before]', before) : linkTo(null) };
  const last = items[items.length - 1];
  const first = items[0];
  if (end < sorted.length && last) links.next = linkTo('page[after]', encodeCursor(last.id));
  if (start > 0 && first) links.previous = linkTo('page[before]', encodeCursor(first.id));
  return { items, count: sorted.length, links };
}

type StringFilterOperator = 'eq' | 'ne' | 'in' | 'nin' | 'contains' | 'starts' | 'ends';
const OPERATORS: StringFilterOperator[] = ['eq', 'ne', 'in', 'nin', 'contains', 'starts', 'ends'];

/**
 * A `StringFilter` from the query: `filter[title]=x` (equality) or `filter[title][contains]=x`.
 * Text comparisons ignore case. Returns undefined when the field is not filtered.
 */
export function stringFilter(query: URLSearchParams, field: string): ((value: string) => boolean) | undefined {
  const checks: ((value: string) => boolean)[] = [];
  const plain = query.get(`filter[${field}]`);
  if (plain !== null) checks.push((value) => value.toLowerCase() === plain.toLowerCase());
  for (const operator of OPERATORS) {
    const wanted = query.get(`filter[${field}][${operator}]`);
    if (wanted === null) continue;
    const text = wanted.toLowerCase();
    const list = text.split(',').map((entry) => entry.trim());
    checks.push((raw) => {
      const value = raw.toLowerCase();
      switch (operator) {
        case 'eq':
          return value === text;
        case 'ne':
          return value !== text;
        case 'in':
          return list.includes(value);
        case 'nin':
          return !list.includes(value);
        case 'contains':
          return value.includes(text);
        case 'starts':
          return value.startsWith(text);
        case 'ends':
          return value.endsWith(text);
      }
    });
  }
  return checks.length === 0 ? undefined : (value) => checks.every((check) => check(value));
}
