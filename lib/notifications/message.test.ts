// The e-mail bodies: the object's link and the preferences link are on this site only; what people
// typed (a token's name) is escaped in HTML; a digest lists every item.
import { describe, expect, it } from 'vitest';
import { composeDigestMail, composeNotificationMail } from './message';

const PUBLIC_URL = new URL('https://keys.example.com');
const item = { event: 'rotation_due_today' as const, title: 'Rotate “<b>cron</b>” today', body: 'Due by 2027-03-01 & soon.', linkPath: '/machine-users/abc' };

describe('notification e-mails', () => {
  it('link to the object and to the preferences at the event, in text and HTML', () => {
    const mail = composeNotificationMail(item, PUBLIC_URL);
    expect(mail.subject).toBe('[Keywarden] Rotate “<b>cron</b>” today');
    expect(mail.text).toContain('Open it in Keywarden: https://keys.example.com/machine-users/abc');
    expect(mail.unsubscribeUrl).toBe('https://keys.example.com/settings/notifications#event-rotation_due_today');
    expect(mail.html).toContain('href="https://keys.example.com/machine-users/abc"');
    expect(mail.html).toContain('href="https://keys.example.com/settings/notifications#event-rotation_due_today"');
  });

  it('with a signed link: the footer stops this kind of e-mail, List-Unsubscribe is the one-click address', () => {
    const mail = composeNotificationMail(item, PUBLIC_URL, { pageUrl: 'https://keys.example.com/unsubscribe/abc.def', oneClickUrl: 'https://keys.example.com/api/unsubscribe/abc.def' });
    expect(mail).toMatchObject({ unsubscribeUrl: 'https://keys.example.com/api/unsubscribe/abc.def', oneClick: true });
    expect(mail.text).toContain('Stop e-mails about “A token is due for rotation today”: https://keys.example.com/unsubscribe/abc.def');
    expect(mail.text).toContain('All your notification preferences: https://keys.example.com/settings/notifications#event-rotation_due_today');
    expect(mail.html).toContain('href="https://keys.example.com/unsubscribe/abc.def"');
    expect(composeNotificationMail(item, PUBLIC_URL).oneClick).toBe(false);
  });

  it('escape what people typed in the HTML body', () => {
    const { html } = composeNotificationMail(item, PUBLIC_URL);
    expect(html).toContain('&lt;b&gt;cron&lt;/b&gt;');
    expect(html).not.toContain('<b>cron</b>');
    expect(html).toContain('Due by 2027-03-01 &amp; soon.');
  });

  it('never link elsewhere, whatever the stored path', () => {
    for (const linkPath of ['//evil.example/x', 'https://evil.example/x', 'javascript:alert(1)']) {
      const mail = composeNotificationMail({ ...item, linkPath }, PUBLIC_URL);
      expect(mail.text).toContain('Open it in Keywarden: https://keys.example.com/\n');
      expect(mail.html).not.toContain('evil.example');
    }
  });

  it('put a day’s items in one digest', () => {
    const mail = composeDigestMail([item, { ...item, title: 'Second', linkPath: '/review' }], PUBLIC_URL);
    expect(mail.subject).toBe('[Keywarden] Daily digest: 2 notifications');
    expect(mail.text).toContain('https://keys.example.com/machine-users/abc');
    expect(mail.text).toContain('* Second');
    expect(mail.unsubscribeUrl).toBe('https://keys.example.com/settings/notifications');
  });
});
