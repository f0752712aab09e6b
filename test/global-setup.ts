import { ensureBuilt } from './helpers/built-package.js';

/**
 * Builds dist/ once before any test file runs when it is missing or older than src/, so `npm test` on a
 * fresh checkout tests the built package too. CI builds first, so there this does nothing.
 */
export default async function setup(): Promise<void> {
  await ensureBuilt();
}
