import { createPool } from './sign-in.js';
import type { TestServer } from './server.js';

export interface JsonResponse {
  status: number;
  body: Record<string, any>;
}

/** POST a JSON body to an end-user route; `from`: the client address (a server with TRIBUTARY_TRUST_PROXY=loopback). */
export async function postJson(server: TestServer, path: string, body: unknown, from?: string): Promise<JsonResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

let pools = 0;

/** A NATIVE pool with `config` (its defaults for the rest); its id. */
export function createNativePool(server: TestServer, config: Record<string, unknown> = {}, settings: Record<string, unknown> = {}): Promise<string> {
  return createPool(server, { name: `native pool ${++pools} ${Date.now()}`, type: 'NATIVE', config, settings });
}
