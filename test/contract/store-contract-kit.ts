// What the Store contract's topic suites share; test/contract/store.contract.ts runs them against each store.
import type { Store } from '../../src/core/store.ts';

/** The store the running test uses: the contract opens a new, empty one before each test. */
export type CurrentStore = () => Store;

// Short TTLs keep the suite fast; the waits leave room for a busy CI machine.
export const SHORT_TTL_MS = 80;
export const PAST_SHORT_TTL_MS = 160;
