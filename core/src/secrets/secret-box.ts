import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (pool secrets, signing keys). The associated data binds a
 * ciphertext to its row (the pool id), so a ciphertext copied to another row fails to open.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #digestKeys = new Map<string, Buffer>();

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    this.#key = key;
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string, associatedData: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unreadable sealed secret');
    const decipher = createDecipheriv(ALGORITHM, this.#key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  /**
   * A keyed digest (HMAC-SHA256, under a key derived from the secrets key for `purpose`): comparable like
   * a hash, but a reader of the database without the key cannot test guesses against it offline (a
   * 6-digit code has only a million values).
   */
  digest(data: string, purpose: string): string {
    let key = this.#digestKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `tributary:digest:${purpose}`, 32));
      this.#digestKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(data).digest('base64url');
  }
}
