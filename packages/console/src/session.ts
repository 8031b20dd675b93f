/** The signed-in key: sessionStorage only (never localStorage, never a cookie). */
import { SESSION_KEY_STORAGE } from './constants.js';

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY_STORAGE);
  } catch {
    return null;
  }
}

export function saveKey(key: string): void {
  sessionStorage.setItem(SESSION_KEY_STORAGE, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(SESSION_KEY_STORAGE);
}
