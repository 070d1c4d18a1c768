import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Runs one statement on the server's maintenance connection. */
export async function onServer(adminUrl: string, sql: string): Promise<void> {
  const client = await connectClient(adminUrl);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A plain client on `url`, for measuring the database without the application (bench sign-in). */
export async function connectClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

export const randomName = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;

/** A fresh database on the test server, dropped by the returned function. */
export async function createDatabase(adminUrl: string, prefix = 'trb_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = randomName(prefix);
  await onServer(adminUrl, `create database "${name}"`);
  return {
    url: withDatabase(adminUrl, name),
    drop: () => onServer(adminUrl, `drop database if exists "${name}" with (force)`),
  };
}
