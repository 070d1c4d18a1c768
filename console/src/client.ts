import { Client, fetchExchange, mapExchange } from 'urql';
import { adminKey, signOut } from './auth';

/** One urql client for the console: every request carries the admin key; a 401 goes back to the key page. */
export function createClient(): Client {
  return new Client({
    url: '/graphql',
    // Lists change under an admin's hands (jobs, users): always ask, show the cached answer meanwhile.
    requestPolicy: 'cache-and-network',
    preferGetMethod: false,
    fetchOptions: (): RequestInit => {
      const key = adminKey();
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      return { headers };
    },
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.response?.status === 401) signOut(true);
        },
      }),
      fetchExchange,
    ],
  });
}
