import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SecretBox } from '../secrets/secret-box.js';
import { SigningKey } from './signing-key.entity.js';

/** ES256: compact tokens and fast signatures (sub-millisecond), supported by every JOSE library. */
export const SIGNING_ALGORITHM = 'ES256';
/** How long a node trusts its cached view of the keys: a rotation reaches every node within this. */
const CACHE_MS = 30_000;

export interface ActiveKey {
  kid: string;
  /** A node:crypto key: tokens are signed synchronously (jws.ts). */
  key: KeyObject;
}

interface LoadedKeys {
  at: number;
  active: ActiveKey;
  published: JWK[];
}

/**
 * Token signing keys, stored in PostgreSQL with the private half sealed. Every node reads the same
 * active key; retired keys stay published in the JWKS until the tokens they signed have expired.
 */
export class SigningKeys {
  #cache: LoadedKeys | undefined;

  constructor(
    private readonly em: () => EntityManager,
    private readonly box: SecretBox,
    /** The longest lifetime of a token signed by a key (access and ID tokens). */
    private readonly maxTokenLifetimeMs: number,
  ) {}

  /** Adds a new active key and retires the previous one. */
  async rotate(): Promise<string> {
    const em = this.em();
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(SigningKey, { retiredAt: null }, { retiredAt: new Date() });
      tx.create(SigningKey, { id: kid, algorithm: SIGNING_ALGORITHM, publicJwk, sealedPrivateJwk: this.box.seal(JSON.stringify(privateJwk), kid) });
    });
    this.#cache = undefined;
    return kid;
  }

  /** Makes sure a key exists (first start). */
  async ensure(): Promise<void> {
    if ((await this.em().count(SigningKey, { retiredAt: null })) === 0) await this.rotate();
  }

  async active(): Promise<ActiveKey> {
    return (await this.load()).active;
  }

  /** The public keys a relying party needs: the active one and those retired within a token lifetime. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.load()).published };
  }

  private async load(): Promise<LoadedKeys> {
    if (this.#cache && Date.now() - this.#cache.at < CACHE_MS) return this.#cache;
    const since = new Date(Date.now() - this.maxTokenLifetimeMs);
    const keys = await this.em().find(SigningKey, { $or: [{ retiredAt: null }, { retiredAt: { $gt: since } }] }, { orderBy: { createdAt: 'desc' } });
    const current = keys.find((key) => key.retiredAt === null);
    if (!current) throw new Error('no active token signing key: run `pnpm tributary keys rotate`');
    const privateJwk = JSON.parse(this.box.open(current.sealedPrivateJwk, current.id)) as JWK;
    const active = { kid: current.id, key: createPrivateKey({ key: privateJwk as never, format: 'jwk' }) };
    this.#cache = { at: Date.now(), active, published: keys.map((key) => key.publicJwk as JWK) };
    return this.#cache;
  }
}
