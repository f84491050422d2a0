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
  /**
   * List-Unsubscribe: the signed one-click address (RFC 8058) when there is one, otherwise the
   * preferences page (a digest covers several kinds).
   */
  unsubscribeUrl: string;
  /** The address accepts `List-Unsubscribe=One-Click` POSTs (List-Unsubscribe-Post). */
  oneClick: boolean;
}

/** A signed unsubscribe link's two addresses: the confirm page (GET) and the one-click POST. */
export interface SignedUnsubscribe {
  pageUrl: string;
  oneClickUrl: string;
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

/**
 * One notification's e-mail. With a signed link, the footer offers "Stop e-mails about …" (a page
 * that confirms in one press, no sign-in) and List-Unsubscribe carries the one-click address;
 * without one, both point at the preferences page.
 */
export function composeNotificationMail(item: MessageItem, publicUrl: URL, unsubscribe?: SignedUnsubscribe): ComposedMail {
  const link = absolute(publicUrl, item.linkPath);
  const preferences = preferencesUrl(publicUrl, item.event);
  const kind = EVENT_LABELS[item.event].label;
  const footerUrl = unsubscribe?.pageUrl ?? preferences;
  const footerLabel = unsubscribe ? `Stop e-mails about “${kind}”` : `Change or stop e-mails about “${kind}”`;
  const text = [
    item.title,
    '',
    item.body,
    '',
    `Open it in Keywarden: ${link}`,
    '',
    '--',
    FOOTER_TEXT,
    `${footerLabel}: ${footerUrl}`,
    ...(unsubscribe ? [`All your notification preferences: ${preferences}`] : []),
    '',
  ].join('\n');
  const html = layoutHtml(
    item.title,
    `<p>${escapeHtml(item.body)}</p>\n<p><a href="${escapeHtml(link)}">Open it in Keywarden</a></p>`,
    footerUrl,
    footerLabel,
  );
  return { subject: `[Keywarden] ${item.title}`, text, html, unsubscribeUrl: unsubscribe?.oneClickUrl ?? preferences, oneClick: unsubscribe !== undefined };
}

/** A day's digest; each item may carry its kind's signed unsubscribe page. */
export function composeDigestMail(items: readonly (MessageItem & { unsubscribePageUrl?: string })[], publicUrl: URL): ComposedMail {
  const unsubscribeUrl = preferencesUrl(publicUrl);
  const heading = `Your Keywarden digest: ${items.length} notification${items.length === 1 ? '' : 's'}`;
  const text = [
    heading,
    '',
    ...items.flatMap((item) => [
      `* ${item.title}`,
      `  ${item.body}`,
      `  ${absolute(publicUrl, item.linkPath)}`,
      ...(item.unsubscribePageUrl ? [`  Stop e-mails about “${EVENT_LABELS[item.event].label}”: ${item.unsubscribePageUrl}`] : []),
      '',
    ]),
    '--',
    FOOTER_TEXT,
    `Change your notification preferences: ${unsubscribeUrl}`,
    '',
  ].join('\n');
  const list = items
    .map(
      (item) =>
        `<li><a href="${escapeHtml(absolute(publicUrl, item.linkPath))}">${escapeHtml(item.title)}</a><br>${escapeHtml(item.body)}${
          item.unsubscribePageUrl ? `<br><a href="${escapeHtml(item.unsubscribePageUrl)}" style="font-size:.85rem">Stop e-mails about “${escapeHtml(EVENT_LABELS[item.event].label)}”</a>` : ''
        }</li>`,
    )
    .join('\n');
  const html = layoutHtml(heading, `<ul>\n${list}\n</ul>`, unsubscribeUrl, 'Change your notification preferences');
  return { subject: `[Keywarden] ${heading.replace('Your Keywarden digest: ', 'Daily digest: ')}`, text, html, unsubscribeUrl, oneClick: false };
}
