// Machine-user addresses: the suggestion from the organisation's pattern and the pattern's checks.
import { describe, expect, it } from 'vitest';
import { emailPatternProblem, normalizeEmail, suggestEmail } from './email';

const PATTERN = 'bots+{project}-{purpose}@example.com';

describe('suggestEmail', () => {
  it('fills the project title slug and the purpose slug', () => {
    expect(suggestEmail(PATTERN, { id: 'abc123', title: 'Storefront' }, 'backups')).toBe('bots+storefront-backups@example.com');
    expect(suggestEmail(PATTERN, { id: 'abc123', title: 'Storefront' }, 'ci_tests')).toBe('bots+storefront-ci@example.com');
    expect(suggestEmail(PATTERN, { id: 'abc123', title: 'Storefront' }, 'source_operations')).toBe('bots+storefront-source-ops@example.com');
    expect(suggestEmail(PATTERN, { id: 'abc123', title: 'Storefront' }, 'certificate_renewal')).toBe('bots+storefront-certs@example.com');
    expect(suggestEmail(PATTERN, { id: 'abc123', title: 'Storefront' }, 'custom')).toBe('bots+storefront-automation@example.com');
  });

  it('slugs the title: lower case, accents dropped, other characters to single hyphens, trimmed', () => {
    expect(suggestEmail(PATTERN, { id: 'x', title: '  Café Crème — Main Site!! ' }, 'backups')).toBe('bots+cafe-creme-main-site-backups@example.com');
    expect(suggestEmail(PATTERN, { id: 'x', title: 'ÅNGSTRÖM_Labs 2' }, 'ci_tests')).toBe('bots+angstrom-labs-2-ci@example.com');
  });

  it('caps the project slug at 40 characters', () => {
    const suggestion = suggestEmail('{project}.{purpose}@example.com', { id: 'x', title: 'a'.repeat(60) }, 'backups');
    expect(suggestion).toBe(`${'a'.repeat(40)}.backups@example.com`);
  });

  it('falls back to "project" when the title has nothing usable', () => {
    expect(suggestEmail(PATTERN, { id: 'x', title: '☃☃☃' }, 'backups')).toBe('bots+project-backups@example.com');
  });

  it('lower-cases the whole address, the pattern included', () => {
    expect(suggestEmail('Bots+{project}-{purpose}@Example.COM', { id: 'x', title: 'Shop' }, 'backups')).toBe('bots+shop-backups@example.com');
  });

  it('replaces every occurrence of a placeholder', () => {
    expect(suggestEmail('{project}-{purpose}-{project}@example.com', { id: 'x', title: 'Shop' }, 'backups')).toBe('shop-backups-shop@example.com');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Bots+Shop@Example.COM \n')).toBe('bots+shop@example.com');
  });
});

describe('emailPatternProblem', () => {
  it('accepts a pattern with both placeholders before the @', () => {
    expect(emailPatternProblem(PATTERN)).toBeUndefined();
    expect(emailPatternProblem('{purpose}.{project}@bots.example.com')).toBeUndefined();
  });

  it.each([
    ['no @', 'bots+{project}-{purpose}'],
    ['nothing before the @', '@example.com'],
    ['nothing after the @', 'bots+{project}-{purpose}@'],
  ])('refuses a pattern with %s', (_label, pattern) => {
    expect(emailPatternProblem(pattern)).toMatch(/^must look like an e-mail address/);
  });

  it('requires {project} and {purpose} in the local part', () => {
    expect(emailPatternProblem('bots+{purpose}@example.com')).toBe('must contain {project} before the @, so that every machine user gets its own address');
    expect(emailPatternProblem('bots+{project}@example.com')).toBe('must contain {purpose} before the @, so that every machine user gets its own address');
    expect(emailPatternProblem('bots+{project}@{purpose}.example.com')).toBe('must contain {purpose} before the @, so that every machine user gets its own address');
  });

  it('refuses placeholders after the @', () => {
    expect(emailPatternProblem('bots+{project}-{purpose}@{project}.example.com')).toBe('placeholders belong before the @');
  });
});
