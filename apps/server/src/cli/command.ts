import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One CLI command; `run` returns the exit code, or -1 to keep the process alive (server). */
export type Command = Readonly<{
  name: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(config: Config, values: Values, positionals: string[]): Promise<number>;
}>;
