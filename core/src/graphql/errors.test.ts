import { createServer } from 'node:net';
import { ApolloServer } from '@apollo/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createFormatError, unavailableStatus } from './errors.js';

// A resolver whose database cannot be reached: a real `pg` connection to a port nobody listens on.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let apollo: ApolloServer;
beforeAll(async () => {
  const port = await closedPort();
  apollo = new ApolloServer({
    typeDefs: 'type Query { roles: [String!]! bug: String }',
    resolvers: {
      Query: {
        roles: async () => {
          const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 5_000 });
          await client.connect();
          return [];
        },
        bug: () => {
          throw new Error('a bug with a secret inside');
        },
      },
    },
    formatError: createFormatError(createLogger('silent'), false),
    plugins: [unavailableStatus],
  });
  await apollo.start();
});
afterAll(() => apollo.stop());

describe('GraphQL errors', () => {
  it('answers a resolver that cannot reach the database SERVICE_UNAVAILABLE with HTTP 503 and Retry-After', async () => {
    const response = await apollo.executeOperation({ query: '{ roles }' });
    expect(response.http.status).toBe(503);
    expect(response.http.headers.get('retry-after')).toBe('1');
    const { errors } = response.body.kind === 'single' ? response.body.singleResult : { errors: undefined };
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(errors?.[0]?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('still answers any other failure INTERNAL_SERVER_ERROR, without its message, and not as a 503', async () => {
    const response = await apollo.executeOperation({ query: '{ bug }' });
    expect(response.http.status).not.toBe(503);
    const { errors } = response.body.kind === 'single' ? response.body.singleResult : { errors: undefined };
    expect(errors?.map((error) => [error.extensions?.code, error.message])).toEqual([['INTERNAL_SERVER_ERROR', 'Internal server error']]);
  });
});
