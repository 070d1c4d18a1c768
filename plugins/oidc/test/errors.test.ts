import { describe, expect, it } from 'vitest';
import { oidcConfig } from '../src/config.js';
import { mapOidcError } from '../src/errors.js';
import { mapIdentity } from '../src/map-identity.js';

const config = oidcConfig.parse({ issuer: 'https://idp.example/', clientId: 'c', clientSecret: 's', tenantIdFieldName: 'org', rolesClaim: 'groups' });

/** Answers oidc-provider does not give for a well-behaved flow, checked on the mapping itself. */
describe('oidc: claims and error mapping', () => {
  it('a claim set without sub is BAD_RESPONSE; a numeric tenant becomes a string, non-string roles are dropped', () => {
    expect(() => mapIdentity({ email: 'a@b.test' }, config)).toThrow(expect.objectContaining({ code: 'BAD_RESPONSE' }));
    expect(mapIdentity({ sub: 's', email: 'a@b.test', org: 42, groups: ['staff', 7] }, config)).toMatchObject({ tenantId: '42', roles: ['staff'] });
    expect(mapIdentity({ sub: 's', email: 'a@b.test', org: { id: 1 } }, config)).toMatchObject({ tenantId: null });
  });

  it('network failures and timeouts are unavailable, never a refusal', () => {
    expect(mapOidcError(new TypeError('fetch failed'), 'x')).toMatchObject({ code: 'UNAVAILABLE', unavailable: true });
    expect(mapOidcError(Object.assign(new Error('aborted'), { name: 'TimeoutError' }), 'x')).toMatchObject({ code: 'TIMEOUT', unavailable: true });
  });
});
