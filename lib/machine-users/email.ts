// Machine-user e-mail addresses: every machine user is a Platform.sh account with an address of its
// own. Keywarden suggests one from the organisation's pattern, e.g. `bots+{project}-{purpose}@acme.com`.
import { PRESETS, type Purpose } from './roles';

export const EMAIL_PATTERN_PLACEHOLDERS = ['{project}', '{purpose}'] as const;

/** Lower-case, trimmed: the form addresses are stored and compared in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Turns a project title or id into something safe in an address's local part. */
function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'project'
  );
}

/** The suggested address for a project and purpose, from the pattern (`{project}` is the title's slug). */
export function suggestEmail(pattern: string, project: { id: string; title: string }, purpose: Purpose): string {
  return normalizeEmail(pattern.replaceAll('{project}', slugify(project.title)).replaceAll('{purpose}', PRESETS[purpose].slug));
}

/** Whether a pattern yields valid, distinct addresses: it needs both placeholders, in the local part. */
export function emailPatternProblem(pattern: string): string | undefined {
  const at = pattern.lastIndexOf('@');
  if (at <= 0 || at === pattern.length - 1) return 'must look like an e-mail address, e.g. bots+{project}-{purpose}@example.com';
  const local = pattern.slice(0, at);
  for (const placeholder of EMAIL_PATTERN_PLACEHOLDERS) {
    if (!local.includes(placeholder)) return `must contain ${placeholder} before the @, so that every machine user gets its own address`;
  }
  if (pattern.slice(at).includes('{')) return 'placeholders belong before the @';
  return undefined;
}
