import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MAX_LENGTH } from './policy.js';

describe('password policy (NIST SP 800-63B)', () => {
  it('takes a long password with no composition at all', async () => {
    expect(await checkPassword('correct horse battery staple', { email: 'ann@example.com' })).toBeNull();
    expect(await checkPassword('zqxjvkwpmh', {})).toBeNull();
  });

  it('refuses short passwords, with the pool minimum but never under 8', async () => {
    expect((await checkPassword('zqxjvkw', {}))?.problem).toBe('too_short');
    expect((await checkPassword('zqxjvkwpmh', { policy: { minLength: 12 } }))?.reason).toBe('must be at least 12 characters long');
    expect((await checkPassword('zqxjvkw', { policy: { minLength: 4 } }))?.problem).toBe('too_short');
  });

  it('counts code points, not UTF-16 units', async () => {
    expect(await checkPassword('😀😀😀😀😀😀😀😀', {})).toBeNull();
    expect((await checkPassword('😀😀😀😀', {}))?.problem).toBe('too_short');
  });

  it('refuses passwords over the maximum', async () => {
    expect((await checkPassword('x'.repeat(PASSWORD_MAX_LENGTH + 1), {}))?.problem).toBe('too_long');
  });

  it('refuses common passwords from the maintained list, whatever the case', async () => {
    for (const password of ['password', 'Password1', '12345678', 'qwertyuiop', 'ILOVEYOU1']) {
      expect((await checkPassword(password, {}))?.problem, password).toBe('common');
    }
  });

  it('refuses the email or its local part', async () => {
    expect((await checkPassword('ann.smith@example.com', { email: 'Ann.Smith@example.com' }))?.problem).toBe('contains_email');
    expect((await checkPassword('ann.smith2026!', { email: 'ann.smith@example.com' }))?.problem).toBe('contains_email');
  });
});
