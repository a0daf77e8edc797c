import type { StoreTx } from './api.ts';
import type { Executor } from './write.ts';

/** The database executor behind each store handle (a transaction's, or the pool's), for the store's own SQL. */
export const executors = new WeakMap<StoreTx, Executor>();
export const txExec = (tx: StoreTx) => executors.get(tx) as Executor;
