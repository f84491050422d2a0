// The onboarding kit generator's options, and their place in the kit page's URL. The generator is
// a GET form: without JavaScript the page renders the snippets for the options in its URL; with
// JavaScript they follow each change at once and the URL is kept in step. No zod here: imported by
// the generator in the browser (the page's schema is in lib/validations/onboarding.ts).
import type { CronTask } from './snippets';

/** What the kit offers: the current documented form (default), the older one, or Upsun's file. */
export const KIT_FORMS = ['current', 'older', 'upsun'] as const;
export type KitForm = (typeof KIT_FORMS)[number];

export const KIT_TASK_KINDS = ['backup', 'source-operation', 'certificate-renewal', 'custom'] as const satisfies readonly CronTask['kind'][];
export type KitTaskKind = (typeof KIT_TASK_KINDS)[number];

export interface KitOptions {
  form: KitForm;
  task: KitTaskKind;
  /** The source operation's name (task `source-operation`). */
  operation: string;
  /** The command line (task `custom`). */
  command: string;
  /** A cron schedule, or empty for the task's default. */
  schedule: string;
  appName: string;
}

/** Each option's search parameter (and the form field's name). */
export const KIT_OPTION_PARAMS = {
  form: 'form',
  task: 'task',
  operation: 'operation',
  command: 'command',
  schedule: 'schedule',
  appName: 'app',
} as const satisfies Record<keyof KitOptions, string>;

/** The options before anyone chose: the vendor's own form, the task that fits the machine user followed. */
export function defaultKitOptions(vendor: 'platformsh' | 'upsun', task: KitTaskKind): KitOptions {
  return { form: vendor === 'upsun' ? 'upsun' : 'current', task, operation: 'update-dependencies', command: '', schedule: '', appName: 'app' };
}

/**
 * The search part of the kit page's URL for `options`: only what differs from the defaults. The
 * command is left out: it is free text, the one option a credential could be pasted into, and a
 * URL is kept in history and logs (SECURITY.md A7). A GET of the form without JavaScript does send
 * it, and the proxy strips a token-like value from a page's URL before the page sees it.
 */
export function kitOptionsSearch(options: KitOptions, defaults: KitOptions): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(KIT_OPTION_PARAMS) as (keyof KitOptions)[]) {
    if (key !== 'command' && options[key] !== defaults[key]) query.set(KIT_OPTION_PARAMS[key], options[key]);
  }
  const search = query.toString();
  return search ? `?${search}` : '';
}
