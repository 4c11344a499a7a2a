/**
 * undici, the HTTP client of peer links and webhook deliveries, loaded on first use: a node
 * with no peer and no webhook subscription never loads it, and start-up does not wait for it
 * (about a hundred modules).
 */
import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | undefined;

export function loadUndici(): Promise<typeof Undici> {
  return (loading ??= import('undici'));
}
