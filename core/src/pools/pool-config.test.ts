import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box.js';
import { maskedConfig, mergeConfigUpdate, openSecrets, SECRET_MASK, secretKeptAcrossMove, splitConfig } from './pool-config.js';

const box = new SecretBox(randomBytes(32));
const secretFields = ['clientSecret', 'apiKey'] as const;
const source = { secretFields, destinationFields: ['domain', 'allowedHosts'] };

describe('splitConfig and openSecrets', () => {
  it('keeps secret fields out of the public part and seals them to the pool', () => {
    const { publicPart, sealed } = splitConfig({ domain: 'a.test', clientId: 'id', clientSecret: 's3cret', apiKey: 'k3y' }, secretFields, box, 'pool-1');
    expect(publicPart).toEqual({ domain: 'a.test', clientId: 'id' });
    expect(sealed).not.toContain('s3cret');
    expect(openSecrets(sealed, box, 'pool-1')).toEqual({ clientSecret: 's3cret', apiKey: 'k3y' });
    expect(() => openSecrets(sealed, box, 'pool-2')).toThrow();
  });

  it('seals nothing when no secret is set', () => {
    expect(splitConfig({ domain: 'a.test', clientSecret: undefined }, secretFields, box, 'pool-1')).toEqual({ publicPart: { domain: 'a.test' }, sealed: null });
    expect(openSecrets(null, box, 'pool-1')).toEqual({});
    expect(openSecrets(undefined, box, 'pool-1')).toEqual({});
  });
});

describe('maskedConfig', () => {
  it('shows set secrets as the mask and unset ones not at all', () => {
    expect(maskedConfig({ domain: 'a.test' }, secretFields, ['clientSecret'])).toEqual({ domain: 'a.test', clientSecret: SECRET_MASK });
    expect(maskedConfig({ domain: 'a.test' }, secretFields, [])).toEqual({ domain: 'a.test' });
  });
});

describe('mergeConfigUpdate', () => {
  const stored = { domain: 'a.test', clientId: 'id', clientSecret: 's3cret' };

  it('keeps a stored secret that the update leaves out or sends back as the mask', () => {
    expect(mergeConfigUpdate(stored, { domain: 'a.test', clientId: 'id2' }, secretFields)).toEqual({
      domain: 'a.test',
      clientId: 'id2',
      clientSecret: 's3cret',
    });
    expect(mergeConfigUpdate(stored, { domain: 'a.test', clientSecret: SECRET_MASK }, secretFields)).toEqual({ domain: 'a.test', clientSecret: 's3cret' });
  });

  it('takes a new secret, and drops the mask for a secret that was never set', () => {
    expect(mergeConfigUpdate(stored, { clientSecret: 'new' }, secretFields)).toEqual({ clientSecret: 'new' });
    expect(mergeConfigUpdate(stored, { apiKey: SECRET_MASK }, secretFields)).toEqual({ clientSecret: 's3cret' });
  });

  it('round-trips the masked config an admin was shown back to the stored config', () => {
    const full = { domain: 'a.test', clientId: 'id', clientSecret: 's3cret', apiKey: 'k3y' };
    const { publicPart, sealed } = splitConfig(full, secretFields, box, 'pool-1');
    const shown = maskedConfig(publicPart, secretFields, Object.keys(openSecrets(sealed, box, 'pool-1')));
    expect(JSON.stringify(shown)).not.toMatch(/s3cret|k3y/);
    const stored = { ...publicPart, ...openSecrets(sealed, box, 'pool-1') };
    expect(mergeConfigUpdate(stored, shown, secretFields)).toEqual(full);
  });
});

describe('secretKeptAcrossMove', () => {
  const stored = { domain: 'a.test', allowedHosts: ['a.test'], clientId: 'id', clientSecret: 's3cret' };
  /** As updateUserPool calls it: the update is the whole config, secrets left out, masked or sent again. */
  const check = (update: Record<string, unknown>, from: Record<string, unknown> = stored) =>
    secretKeptAcrossMove(source, from, mergeConfigUpdate(from, update, secretFields), update);

  it('allows any update that moves no destination', () => {
    expect(check({ domain: 'a.test', allowedHosts: ['a.test'], clientId: 'id2' })).toBeUndefined();
    expect(check({ domain: 'a.test', allowedHosts: ['a.test'], clientId: 'id', clientSecret: SECRET_MASK })).toBeUndefined();
  });

  it('names the secret kept and the field moved when a destination changes without the secret', () => {
    expect(check({ domain: 'evil.test', allowedHosts: ['a.test'], clientId: 'id' })).toEqual({ secret: 'clientSecret', moved: 'domain' });
    expect(check({ domain: 'evil.test', allowedHosts: ['a.test'], clientId: 'id', clientSecret: SECRET_MASK })).toEqual({
      secret: 'clientSecret',
      moved: 'domain',
    });
    expect(check({ domain: 'a.test', allowedHosts: ['a.test', 'evil.test'], clientId: 'id' })).toEqual({ secret: 'clientSecret', moved: 'allowedHosts' });
  });

  it('counts removing a destination as a move', () => {
    expect(check({ allowedHosts: ['a.test'], clientId: 'id' })).toEqual({ secret: 'clientSecret', moved: 'domain' });
  });

  it('allows a move when every set secret is sent again, or none is set', () => {
    expect(check({ domain: 'b.test', allowedHosts: ['b.test'], clientId: 'id', clientSecret: 'fresh' })).toBeUndefined();
    expect(check({ domain: 'b.test' }, { domain: 'a.test' })).toBeUndefined();
  });
});
