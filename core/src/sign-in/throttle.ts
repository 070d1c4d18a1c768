import { pgArray } from '../db/sql.js';
import type { Statement } from '../db/statements.js';

/**
 * The sign_in_attempts table's home: every statement on it is built here (and the `sign_in_reserve`
 * function in the database, migrations). Failed-attempt limits, counted in PostgreSQL so all nodes share them. Three keys: the account from
 * one address (a guesser), the account from anywhere (a distributed guesser), and the address across
 * accounts (credential stuffing, and floods of anonymous sign-ins that cost a source call each).
 * Past a limit, each further failure doubles the block, up to an hour. Successes are never slowed.
 *
 * Every attempt reserves its count before the password is checked (`sign_in_reserve`, a function in the
 * database: check and count in one locked step), so a burst in flight cannot pass a limit together.
 * The outcome then keeps the count (a failure), or gives it back (a success; for the account, a source
 * that could not answer).
 *
 * The account-wide counter takes at most `acct-ip`'s limit from any one address: one address alone can
 * never lock the owner out from their own addresses. Locking an account needs failures from at least
 * four addresses (20 / 5), which is also when locking it protects it best. We chose that over exempting
 * "known" addresses: it needs no device state, and it works for an owner on a new network.
 */
export const THROTTLE_RULES = [
  { prefix: 'acct-ip', limit: 5 },
  { prefix: 'acct', limit: 20 },
  { prefix: 'ip', limit: 50 },
] as const;
const WINDOW_SECONDS = 15 * 60;
const BASE_BLOCK_SECONDS = 30;
const MAX_BLOCK_SECONDS = 3600;
/** Retry-After for an attempt refused because the one that reached a limit is still being checked. */
const IN_FLIGHT_WAIT_SECONDS = 5;

const LIMITS = pgArray(THROTTLE_RULES.map((rule) => rule.limit));

/**
 * Counters whose last failure or block ended a whole window ago: they count no more (the reservation
 * starts them again) and the purge of expired rows deletes them (core/src/maintenance/purge.ts).
 */
export const STALE_ATTEMPTS = `(window_started_at < now() - interval '${WINDOW_SECONDS} seconds' and (blocked_until is null or blocked_until < now() - interval '${WINDOW_SECONDS} seconds'))`;

export function throttleKeys(email: string, ip: string): [pair: string, account: string, address: string] {
  return [`acct-ip:${email}|${ip}`, `acct:${email}`, `ip:${ip}`];
}

/** What the reservation counted, for the outcome to keep or give back. */
export interface Reservation {
  email: string;
  ip: string;
  /** The account-wide counter took this attempt (false past this address's own limit). */
  accountCounted: boolean;
}

/**
 * Reserve an attempt: one row `(throttle_wait, account_counted)`; `throttle_wait` > 0 means refused
 * (nothing counted). The sign-in folds it into its single statement before the hash (load-user.ts).
 */
export function reserveStatement(email: string, ip: string): Statement {
  return {
    sql: 'select wait as throttle_wait, account_counted from sign_in_reserve(?::text[], ?::int[], ?::int, ?::int)',
    params: [pgArray(throttleKeys(email, ip)), LIMITS, WINDOW_SECONDS, IN_FLIGHT_WAIT_SECONDS],
  };
}

/**
 * A wrong password keeps the reserved counts and blocks the keys that reached their limit; the block
 * doubles with each failure past it.
 */
export function failureStatement(reservation: Reservation): Statement {
  const [pair, account, address] = throttleKeys(reservation.email, reservation.ip);
  const [pairRule, accountRule, addressRule] = THROTTLE_RULES;
  return reservation.accountCounted
    ? blockStatement([pair, account, address], [pairRule.limit, accountRule.limit, addressRule.limit])
    : blockStatement([pair, address], [pairRule.limit, addressRule.limit]);
}

/**
 * An attempt that ended without telling anything about the password (the source could not answer, a
 * prehook or the account's status refused it): the account's counts are given back, so a source outage
 * never locks its users out, but the address keeps its count: anonymous floods of such attempts still
 * reach the per-address limit.
 */
export function inconclusiveStatements(reservation: Reservation): Statement[] {
  const [pair, account, address] = throttleKeys(reservation.email, reservation.ip);
  return [...releaseStatements(reservation.accountCounted ? [pair, account] : [pair]), blockStatement([address], [THROTTLE_RULES[2].limit])];
}

/**
 * Gives back one reserved count on each key; a counter back at nothing goes (most attempts succeed, and
 * their rows would otherwise wait for the purge). Two statements on disjoint conditions, so they can share
 * one round trip.
 */
function releaseStatements(keys: string[]): Statement[] {
  const array = pgArray(keys);
  return [
    { sql: 'delete from sign_in_attempts where key = any(?::text[]) and failures <= 1 and blocked_until is null', params: [array] },
    { sql: 'update sign_in_attempts set failures = failures - 1 where key = any(?::text[]) and (failures > 1 or blocked_until is not null)', params: [array] },
  ];
}

function blockStatement(keys: string[], limits: number[]): Statement {
  return {
    sql: `update sign_in_attempts a set blocked_until = now() + make_interval(secs => least(?, ? * power(2, a.failures - l.lim)))
          from unnest(?::text[], ?::int[]) as l(key, lim)
          where a.key = l.key and a.failures >= l.lim`,
    params: [MAX_BLOCK_SECONDS, BASE_BLOCK_SECONDS, pgArray(keys), pgArray(limits)],
  };
}

/**
 * A success clears the account's counters (not the address's: one good password must not reset a
 * stuffing run, it only gives back its own reservation). A statement, so the sign-in writes it in the
 * same round trip as its tokens. A block that other attempts set meanwhile stays.
 */
export function successStatements(reservation: Reservation): Statement[] {
  const [pair, account, address] = throttleKeys(reservation.email, reservation.ip);
  return [{ sql: 'delete from sign_in_attempts where key in (?, ?) and blocked_until is null', params: [pair, account] }, ...releaseStatements([address])];
}

/**
 * Other attempts throttled by the same counters and function: mails asked for (activation codes, resets,
 * sign-in codes), codes guessed. Each kind counts on keys of its own (`<kind>:acct-ip:…`), so it never
 * shares counts with password sign-ins, with the same three keys and limits in the same order
 * (the account from one address, the account, the address).
 */
export interface AttemptKind {
  kind: string;
  limits: readonly [pair: number, account: number, address: number];
}

const kindKeys = (kind: AttemptKind, email: string, ip: string): string[] => throttleKeys(email, ip).map((key) => `${kind.kind}:${key}`);

/** Reserve an attempt of `kind`: one row `(throttle_wait, account_counted)`, as reserveStatement. */
export function reserveAttemptStatement(kind: AttemptKind, email: string, ip: string): Statement {
  return {
    sql: 'select wait as throttle_wait, account_counted from sign_in_reserve(?::text[], ?::int[], ?::int, ?::int)',
    params: [pgArray(kindKeys(kind, email, ip)), pgArray([...kind.limits]), WINDOW_SECONDS, IN_FLIGHT_WAIT_SECONDS],
  };
}

/** The attempt counts (a mail sent, a wrong code): the keys that reached their limit are blocked, doubling past it. */
export function countAttemptStatement(kind: AttemptKind, email: string, ip: string, accountCounted: boolean): Statement {
  const [pair, account, address] = kindKeys(kind, email, ip);
  const [pairLimit, accountLimit, addressLimit] = kind.limits;
  return accountCounted
    ? blockStatement([pair!, account!, address!], [pairLimit, accountLimit, addressLimit])
    : blockStatement([pair!, address!], [pairLimit, addressLimit]);
}
