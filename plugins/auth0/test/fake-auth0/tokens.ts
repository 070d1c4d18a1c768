import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { FakeUser } from './store.js';

export interface Signer {
  jwks: { keys: JWK[] };
  idToken(user: FakeUser, issuer: string, audience: string): Promise<string>;
}

/** RS256 keys like a tenant's: the SDK fetches /.well-known/jwks.json and checks iss, aud and exp. */
export async function createSigner(): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-auth0-key', alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    idToken: (user, issuer, audience) =>
      new SignJWT({
        email: user.email,
        email_verified: user.email_verified,
        ...(user.name ? { name: user.name } : {}),
        ...(user.nickname ? { nickname: user.nickname } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(user.user_id)
        .setIssuedAt()
        .setExpirationTime('10h')
        .sign(privateKey),
  };
}
