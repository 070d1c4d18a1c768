import type { EntityManager } from '@mikro-orm/postgresql';
import type { Statement } from '../db/statements.js';

/**
 * Failed-attempt limits, counted in PostgreSQL so all nodes share them. Three keys: the account from
 * one address (a guesser), the account from anywhere (a distributed guesser; higher, so one attacker
 * cannot lock a victim out as cheaply), and the address across accounts (credential stuffing).
 * Past a limit, each further failure doubles the block, up to an hour. Successes are never slowed.
 */
export const THROTTLE_RULES = [
  { prefix: 'acct-ip', limit: 5 },
  { prefix: 'acct', limit: 20 },
  { prefix: 'ip', limit: 50 },
] as const;
const WINDOW_SECONDS = 15 * 60;
const BASE_BLOCK_SECONDS = 30;
const MAX_BLOCK_SECONDS = 3600;

/**
 * Counters whose last failure or block ended a whole window ago: they count no more (a failure starts
 * them again from one) and the purge of expired rows deletes them (core/src/maintenance/purge.ts).
 * Written so the window index can serve it. `table`: the prefix the upsert below needs.
 */
const stale = (table = '') =>
  `(${table}window_started_at < now() - interval '${WINDOW_SECONDS} seconds' and (${table}blocked_until is null or ${table}blocked_until < now() - interval '${WINDOW_SECONDS} seconds'))`;
const STALE = stale('sign_in_attempts.');
export const STALE_ATTEMPTS = stale();

const pgArray = (items: readonly string[]): string => `{${items.map((item) => JSON.stringify(item)).join(',')}}`;

export function throttleKeys(email: string, ip: string): string[] {
  return [`acct-ip:${email}|${ip}`, `acct:${email}`, `ip:${ip}`];
}

/**
 * Seconds until the caller may try again (`wait`, null: go ahead), and whether the account has failures
 * on record (`account`: a success must then clear them). One row always; the sign-in folds it into its
 * single read (load-user.ts).
 */
export function throttleStateQuery(email: string, ip: string): Statement {
  const keys = throttleKeys(email, ip);
  return {
    sql: `select ceil(extract(epoch from max(blocked_until) filter (where blocked_until > now()) - now()))::int as wait,
                 coalesce(bool_or(key <> ?), false) as account
          from sign_in_attempts where key = any(?::text[])`,
    params: [keys[2], keys],
  };
}

export class Throttle {
  constructor(private readonly em: EntityManager) {}

  async recordFailure(email: string, ip: string): Promise<void> {
    const keys = throttleKeys(email, ip);
    const limits = THROTTLE_RULES.map((rule) => rule.limit);
    await this.em.getConnection().execute(
      `insert into sign_in_attempts (key, failures, window_started_at, blocked_until)
       select key, 1, now(), null from unnest(?::text[]) as key
       on conflict (key) do update set
         failures = case when ${STALE} then 1 else sign_in_attempts.failures + 1 end,
         window_started_at = case when ${STALE} then now() else sign_in_attempts.window_started_at end,
         blocked_until = case when ${STALE} then null else sign_in_attempts.blocked_until end`,
      [pgArray(keys)],
    );
    // Block the keys that reached their limit; the block doubles with each failure past it.
    await this.em.getConnection().execute(
      `update sign_in_attempts a set blocked_until = now() + make_interval(secs => least(?, ? * power(2, a.failures - l.limit)))
       from (select unnest(?::text[]) as key, unnest(?::int[]) as limit) l
       where a.key = l.key and a.failures >= l.limit`,
      [MAX_BLOCK_SECONDS, BASE_BLOCK_SECONDS, pgArray(keys), `{${limits.join(',')}}`],
    );
  }

  /**
   * A success clears the account's counters (not the address's: one good password must not reset a
   * stuffing run). A statement, so the sign-in writes it in the same round trip as its tokens.
   */
  static successStatement(email: string, ip: string): Statement {
    const [pair, account] = throttleKeys(email, ip);
    return { sql: 'delete from sign_in_attempts where key in (?, ?) and blocked_until is null', params: [pair, account] };
  }
}
