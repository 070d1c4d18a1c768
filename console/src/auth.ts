import { useSyncExternalStore } from 'react';

/**
 * The admin key lives in sessionStorage only: gone when the tab closes, never in localStorage or a
 * cookie (so no other tab, and no request the console did not make itself, carries it).
 */
const STORAGE_KEY = 'tributary.adminKey';
const listeners = new Set<() => void>();
let refused = false;

export function adminKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  refused = false;
  for (const listener of listeners) listener();
}

/** `wasRefused`: the server answered 401 (a revoked or wrong key), which the key page says. */
export function signOut(wasRefused = false): void {
  sessionStorage.removeItem(STORAGE_KEY);
  refused = wasRefused;
  for (const listener of listeners) listener();
}

export function keyWasRefused(): boolean {
  return refused;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useAdminKey(): string | null {
  return useSyncExternalStore(subscribe, adminKey);
}
