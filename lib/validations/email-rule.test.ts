import { describe, expect, it } from 'vitest';
import { emailProblemOf } from './email-rule';
import { emailSchema } from './users';

// The wizard checks an address with emailProblemOf before sending it; the server with emailSchema.
// They must agree on every address, or the wizard lets through what the server then refuses.
const ADDRESSES = [
  'bots+storefront-backups@example.com',
  ' Bots@Example.COM ',
  "o'brien@example.co.uk",
  'bots..double-dot@example.com',
  '.leading-dot@example.com',
  'trailing-dot.@example.com',
  'comma,in@example.com',
  'bots@example.c',
  'bots@-example.com',
  'bots@example',
  'no-at-sign.example.com',
  'two@@example.com',
  '',
  `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`,
];

describe('emailProblemOf', () => {
  it.each(ADDRESSES)('agrees with emailSchema on %j', (address) => {
    const server = emailSchema.safeParse(address);
    expect(emailProblemOf(address)).toBe(server.success ? undefined : server.error.issues[0]?.message);
  });

  it('refuses what the looser shape check of the wizard let through', () => {
    expect(emailProblemOf('bots..double-dot@example.com')).toBe('Enter a valid e-mail address.');
    expect(emailProblemOf('comma,in@example.com')).toBe('Enter a valid e-mail address.');
  });
});
