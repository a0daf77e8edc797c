import { openStore } from '../main.ts';
import { systemClock } from '../platform/clock.ts';
import { isStoredType, reindex } from '../platform/store/index.ts';
import type { Command } from './command.ts';

/** `careloop reindex [--type T,…]`: rebuild the search index from the stored resources. */
export const reindexCommand: Command = {
  name: 'reindex',
  summary: 'rebuild the search index of every stored resource (or --type T,…) from its current version',
  options: { type: { type: 'string' } },
  async run(config, values, positionals) {
    const types = typeof values.type === 'string' ? values.type.split(',').map((t) => t.trim()) : undefined;
    const unknown = types?.filter((t) => !isStoredType(t)) ?? [];
    if (positionals.length || unknown.length || types?.length === 0) {
      process.stderr.write(
        `${unknown.length ? `Unknown resource type ${unknown[0]?.slice(0, 40)}\n` : ''}Usage: careloop reindex [--type Task,Patient]\n`,
      );
      return 2;
    }
    const { db } = await openStore(config);
    try {
      const started = performance.now();
      const { resources } = await reindex(db, systemClock, {
        types,
        onProgress: (done) => process.stderr.write(`\rreindexed ${done} resources`),
      });
      process.stderr.write('\n');
      process.stdout.write(
        `reindexed ${resources} resources in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return 0;
    } finally {
      await db.close();
    }
  },
};
