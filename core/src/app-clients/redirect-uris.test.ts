import { describe, expect, it } from 'vitest';
import { corsOriginProblem, redirectUriProblem } from './redirect-uris.js';

describe('redirect URI rules', () => {
  it('accepts https, loopback http and reverse-domain app schemes', () => {
    for (const uri of ['https://app.example.com/cb', 'http://127.0.0.1:9/cb', 'http://localhost:3000/cb', 'http://[::1]:8080/cb', 'com.example.app:/cb']) {
      expect(redirectUriProblem(uri), uri).toBeNull();
    }
  });

  it('refuses relative URIs, fragments, plain http elsewhere, credentials and script schemes', () => {
    expect(redirectUriProblem('/cb')).toMatch(/absolute/);
    expect(redirectUriProblem('https://app.example.com/cb#x')).toMatch(/fragment/);
    expect(redirectUriProblem('https://app.example.com/cb#')).toMatch(/fragment/);
    expect(redirectUriProblem('http://app.example.com/cb')).toMatch(/https/);
    expect(redirectUriProblem('https://user:pw@app.example.com/cb')).toMatch(/credentials/);
    expect(redirectUriProblem('javascript:alert(1)')).toMatch(/scheme/);
    expect(redirectUriProblem('myapp:/cb')).toMatch(/reverse-domain/);
  });

  it('takes CORS origins without a path', () => {
    expect(corsOriginProblem('https://app.example.com')).toBeNull();
    expect(corsOriginProblem('http://127.0.0.1:5173')).toBeNull();
    expect(corsOriginProblem('https://app.example.com/')).toMatch(/origin only/);
    expect(corsOriginProblem('http://app.example.com')).toMatch(/https/);
  });
});
