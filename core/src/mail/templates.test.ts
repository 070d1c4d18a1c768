import { describe, expect, it } from 'vitest';
import { MailTemplateOverrides, renderMail } from './templates.js';

describe('mail templates', () => {
  it('fills the defaults', () => {
    const mail = renderMail('activation', { code: '012345', expiresInMinutes: 10, email: 'ann@example.com' });
    expect(mail.text).toContain('012345');
    expect(mail.html).toContain('<strong>012345</strong>');
    expect(mail.subject).toBe('Your activation code');
  });

  it('takes a pool override part by part, escaping values in HTML and keeping the subject on one line', () => {
    const overrides = MailTemplateOverrides.parse({ activation: { subject: 'Hi {{name}}', html: '<p>{{name}}: {{code}}</p>' } });
    const mail = renderMail('activation', { code: '1', name: '<b>x</b>\r\nBcc: evil@example.com' }, overrides);
    expect(mail.html).toBe('<p>&lt;b&gt;x&lt;/b&gt;\r\nBcc: evil@example.com: 1</p>');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Your activation code is 1.');
  });

  it('refuses unknown template keys and parts', () => {
    expect(MailTemplateOverrides.safeParse({ welcome: { text: 'x' } }).success).toBe(false);
    expect(MailTemplateOverrides.safeParse({ activation: { body: 'x' } }).success).toBe(false);
  });
});
