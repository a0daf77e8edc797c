#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { commands } from './commands.ts';

/** `careloop <command> [options]`: the operator's entry point (start, migrate, seed, import, export). */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(
      `Usage: careloop <command>\n\n${commands.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}\n`,
    );
    return name === undefined || name === 'help' || name === '--help' ? 0 : 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: command.options,
    allowPositionals: true,
    strict: true,
  });
  return command.run(config, values, positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`careloop: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
