import { Migration } from '@mikro-orm/migrations';

/**
 * A sign-in reserves its attempt on the throttle counters before it checks the password, atomically: the
 * check and the count are one locked step, so requests in flight at the same time cannot all pass a
 * limit that none of them has counted yet (core/src/sign-in/throttle.ts holds the rules).
 *
 * `p_keys`/`p_limits`: the account from this address, the account, the address, in that order.
 * Returns `wait` (seconds until the caller may try again; 0: reserved) and `account_counted` (whether the
 * account-wide counter took this attempt: each address counts on it only up to its own limit, so one
 * address alone can never lock the account for everyone else).
 */
export class SignInReservations extends Migration {
  override up(): void {
    this.addSql(`
create function sign_in_reserve(p_keys text[], p_limits int[], p_window_seconds int, p_in_flight_wait int)
returns table (wait int, account_counted boolean)
language plpgsql as $fn$
declare
  v_wait int;
  v_pair int;
  v_counted boolean;
begin
  -- Counters are advisory: losing the last instant of them in a database crash costs nothing worth a flush.
  perform set_config('synchronous_commit', 'off', true);
  insert into sign_in_attempts (key, failures, window_started_at, blocked_until)
    select k, 0, now(), null from unnest(p_keys) k on conflict (key) do nothing;
  -- One lock order for every caller (by key), so attempts sharing keys queue and never deadlock.
  perform 1 from sign_in_attempts where key = any(p_keys) order by key for update;
  -- Counters whose window and block ended a window ago count no more.
  update sign_in_attempts set failures = 0, window_started_at = now(), blocked_until = null
    where key = any(p_keys)
      and window_started_at < now() - make_interval(secs => p_window_seconds)
      and (blocked_until is null or blocked_until < now() - make_interval(secs => p_window_seconds));
  -- Blocked, or at the limit with the attempt that reached it still in flight: refuse, counting nothing.
  select coalesce(max(case
           when a.blocked_until > now() then greatest(1, ceil(extract(epoch from a.blocked_until - now()))::int)
           when a.failures >= l.lim and a.blocked_until is null then p_in_flight_wait
           else 0 end), 0)
    into v_wait
    from sign_in_attempts a join unnest(p_keys, p_limits) as l(key, lim) on l.key = a.key;
  if v_wait > 0 then
    return query select v_wait, false;
    return;
  end if;
  -- Reserve. A block that has run out is cleared, so the next attempt waits for this one's outcome.
  update sign_in_attempts set failures = failures + 1, blocked_until = null where key = p_keys[1] returning failures into v_pair;
  v_counted := v_pair <= p_limits[1];
  update sign_in_attempts set failures = failures + 1, blocked_until = null
    where key = p_keys[3] or (v_counted and key = p_keys[2]);
  return query select 0, v_counted;
end
$fn$;`);
  }

}
