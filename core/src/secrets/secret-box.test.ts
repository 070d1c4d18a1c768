import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('{"apiKey":"s3cret"}', 'pool-1');
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed, 'pool-1')).toBe('{"apiKey":"s3cret"}');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'p')).not.toBe(box.seal('same', 'p'));
  });

  it('refuses a ciphertext moved to another row, tampered with, or opened with another key', () => {
    const sealed = box.seal('secret', 'pool-1');
    expect(() => box.open(sealed, 'pool-2')).toThrow();
    const [v, iv, tag, body] = sealed.split(':');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'), 'pool-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'pool-1')).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
