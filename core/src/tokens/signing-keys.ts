import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SecretBox } from '../secrets/secret-box.js';
import { SigningKey } from './signing-key.entity.js';

/** ES256: compact tokens and fast signatures (sub-millisecond), supported by every JOSE library. */
export const SIGNING_ALGORITHM = 'ES256';
/** How long relying parties may cache the JWKS (its Cache-Control max-age). */
export const JWKS_MAX_AGE_S = 300;
/** How long a node trusts its cached copy of the key rows. */
const CACHE_MS = 30_000;
/**
 * A new key signs only this long after it is stored: by then every node has read it (CACHE_MS) and
 * every JWKS a relying party cached from any node before that has expired, so no token reaches a
 * relying party that cannot know its key yet.
 */
export const ACTIVATION_DELAY_MS = CACHE_MS + JWKS_MAX_AGE_S * 1000;

export interface ActiveKey {
  kid: string;
  /** A node:crypto key: tokens are signed synchronously (jws.ts). */
  key: KeyObject;
}

interface LoadedKeys {
  at: number;
  /** Newest activation first. */
  keys: { kid: string; activatesAt: number; sealed: string }[];
  published: JWK[];
  opened: Map<string, KeyObject>;
}

/**
 * Token signing keys, stored in PostgreSQL with the private half sealed. Which key signs is decided by
 * time, not by what a node has cached: the key whose activation is the latest one passed. So every node
 * switches at the same instant, and a key is published from its creation (before it signs) until the
 * tokens it signed have expired.
 */
export class SigningKeys {
  #cache: LoadedKeys | undefined;

  constructor(
    private readonly em: () => EntityManager,
    private readonly box: SecretBox,
    /** The longest lifetime of a token signed by a key (access and ID tokens; refresh tokens are opaque). */
    private readonly maxTokenLifetimeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Adds the next key: published now, signing from `activatesAt`, when the current newest key retires.
   * The first key of an empty database signs at once: no relying party holds tokens yet.
   */
  async rotate(): Promise<{ kid: string; activatesAt: Date }> {
    const em = this.em();
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    const activatesAt = await em.transactional(async (tx) => {
      const first = (await tx.count(SigningKey, {})) === 0;
      const at = new Date(this.clock() + (first ? 0 : ACTIVATION_DELAY_MS));
      await tx.nativeUpdate(SigningKey, { retiresAt: null }, { retiresAt: at });
      tx.create(SigningKey, {
        id: kid,
        algorithm: SIGNING_ALGORITHM,
        publicJwk,
        sealedPrivateJwk: this.box.seal(JSON.stringify(privateJwk), kid),
        activatesAt: at,
      });
      return at;
    });
    this.#cache = undefined;
    return { kid, activatesAt };
  }

  /** Makes sure a key exists (first start). */
  async ensure(): Promise<void> {
    if ((await this.em().count(SigningKey, {})) === 0) await this.rotate();
  }

  async active(): Promise<ActiveKey> {
    const loaded = await this.load();
    const now = this.clock();
    const current = loaded.keys.find((key) => key.activatesAt <= now);
    if (!current) throw new Error('no active token signing key: run `pnpm tributary keys rotate`');
    let key = loaded.opened.get(current.kid);
    if (!key) {
      const privateJwk = JSON.parse(this.box.open(current.sealed, current.kid)) as JWK;
      key = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
      loaded.opened.set(current.kid, key);
    }
    return { kid: current.kid, key };
  }

  /**
   * The keys the OpenID Provider (openid-provider/) holds: the active one first (it signs with the
   * first), then those retired within a token lifetime (it verifies its own ID tokens with them, as
   * `id_token_hint`); never one not yet active. `version` changes exactly when this set does.
   */
  async signingSet(): Promise<{ version: string; privateJwks: () => JWK[] }> {
    const loaded = await this.load();
    const now = this.clock();
    const usable = loaded.keys.filter((key) => key.activatesAt <= now);
    if (!usable.length) throw new Error('no active token signing key: run `pnpm tributary keys rotate`');
    return {
      version: usable.map((key) => key.kid).join(','),
      privateJwks: () => usable.map((key) => ({ ...(JSON.parse(this.box.open(key.sealed, key.kid)) as JWK), use: 'sig' })),
    };
  }

  /** The public keys a relying party needs: the next one, the active one, and those retired within a token lifetime. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.load()).published };
  }

  private async load(): Promise<LoadedKeys> {
    const now = this.clock();
    if (this.#cache && now - this.#cache.at < CACHE_MS) return this.#cache;
    const since = new Date(now - this.maxTokenLifetimeMs);
    const rows = await this.em().find(SigningKey, { $or: [{ retiresAt: null }, { retiresAt: { $gt: since } }] }, { orderBy: { activatesAt: 'desc' } });
    this.#cache = {
      at: now,
      keys: rows.map((row) => ({ kid: row.id, activatesAt: row.activatesAt.getTime(), sealed: row.sealedPrivateJwk })),
      published: rows.map((row) => row.publicJwk as JWK),
      opened: new Map(),
    };
    return this.#cache;
  }
}
