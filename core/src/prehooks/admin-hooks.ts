import { forbidden } from '../errors/index.js';
import type { UserSnapshot } from './events.js';
import { PrehookDenied, type PrehookRunner } from './runner.js';

/**
 * beforeUserCreate for a user an admin creates: the same scripts as for a first sign-in (trigger
 * `admin`, no pool). A denial is FORBIDDEN with the script's reason; the admin may also learn which
 * prehook failed and how, since the run log already tells them.
 */
export async function beforeAdminCreate(runner: PrehookRunner | undefined, draft: UserSnapshot): Promise<UserSnapshot> {
  if (!runner) return draft;
  try {
    const payload = await runner.run('beforeUserCreate', { event: 'beforeUserCreate', email: draft.email, user: draft, pool: null, trigger: 'admin' });
    return payload.user;
  } catch (error) {
    if (!(error instanceof PrehookDenied)) throw error;
    const who = `prehook "${error.prehook.name}" (${error.prehook.id})`;
    if (error.reason) throw forbidden(`${who} denied creating the user: ${error.reason}`);
    if (error.kind === 'unavailable') throw forbidden(`${who} did not run (every isolate of its script stayed busy); try again`);
    throw forbidden(`${who} failed (${error.kind}) and its failure policy is DENY`);
  }
}
