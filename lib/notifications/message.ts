// The e-mail of a notification (or of a day's digest): plain text and HTML, a link to the object and
// a link to change or stop that kind of e-mail. Pure: what goes in is titles, bodies and paths the
// tick wrote — never a token value or fingerprint (SECURITY.md N1); the mailer redacts by value
// once more before anything leaves.
import { EVENT_LABELS, type NotificationEvent } from './events';

export interface MessageItem {
  event: NotificationEvent;
  title: string;
  body: string;
  /** Relative to the public URL, e.g. "/machine-users/<uuid>". */
  linkPath: string;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
  /** The preferences page, anchored at the event (List-Unsubscribe). */
  unsubscribeUrl: string;
}

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Where a person changes (or stops) the e-mails of one kind: their preferences, at that event. */
export function preferencesUrl(publicUrl: URL, event?: NotificationEvent): string {
  return new URL(`/settings/notifications${event ? `#event-${event}` : ''}`, publicUrl).toString();
}

function absolute(publicUrl: URL, path: string): string {
  // Only paths of this site: a stored link is never an address elsewhere.
  return new URL(path.startsWith('/') && !path.startsWith('//') ? path : '/', publicUrl).toString();
}

const FOOTER_TEXT = 'You receive this because you have an account on Keywarden.';

function layoutHtml(heading: string, inner: string, unsubscribeUrl: string, unsubscribeLabel: string): string {
  return [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a;max-width:40rem">',
    `<h1 style="font-size:1.15rem">${escapeHtml(heading)}</h1>`,
    inner,
    `<p style="font-size:.85rem;color:#475569">${escapeHtml(FOOTER_TEXT)} <a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(unsubscribeLabel)}</a></p>`,
    '</body></html>',
  ].join('\n');
}

export function composeNotificationMail(item: MessageItem, publicUrl: URL): ComposedMail {
  const link = absolute(publicUrl, item.linkPath);
  const unsubscribeUrl = preferencesUrl(publicUrl, item.event);
  const unsubscribeLabel = `Change or stop e-mails about “${EVENT_LABELS[item.event].label}”`;
  const text = [item.title, '', item.body, '', `Open it in Keywarden: ${link}`, '', '--', FOOTER_TEXT, `${unsubscribeLabel}: ${unsubscribeUrl}`, ''].join('\n');
  const html = layoutHtml(
    item.title,
    `<p>${escapeHtml(item.body)}</p>\n<p><a href="${escapeHtml(link)}">Open it in Keywarden</a></p>`,
    unsubscribeUrl,
    unsubscribeLabel,
  );
  return { subject: `[Keywarden] ${item.title}`, text, html, unsubscribeUrl };
}

export function composeDigestMail(items: readonly MessageItem[], publicUrl: URL): ComposedMail {
  const unsubscribeUrl = preferencesUrl(publicUrl);
  const heading = `Your Keywarden digest: ${items.length} notification${items.length === 1 ? '' : 's'}`;
  const text = [
    heading,
    '',
    ...items.flatMap((item) => [`* ${item.title}`, `  ${item.body}`, `  ${absolute(publicUrl, item.linkPath)}`, '']),
    '--',
    FOOTER_TEXT,
    `Change your notification preferences: ${unsubscribeUrl}`,
    '',
  ].join('\n');
  const list = items
    .map((item) => `<li><a href="${escapeHtml(absolute(publicUrl, item.linkPath))}">${escapeHtml(item.title)}</a><br>${escapeHtml(item.body)}</li>`)
    .join('\n');
  const html = layoutHtml(heading, `<ul>\n${list}\n</ul>`, unsubscribeUrl, 'Change your notification preferences');
  return { subject: `[Keywarden] ${heading.replace('Your Keywarden digest: ', 'Daily digest: ')}`, text, html, unsubscribeUrl };
}
