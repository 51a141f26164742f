import type { NatsConnection } from '@nats-io/transport-node';
import type { Output } from './output.js';

/** One option of a command, as `node:util` parseArgs takes it plus what `--help` shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Placeholder in help, e.g. `N` in `--limit N`. @defaultValue `VALUE` */
  valueName?: string;
  short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed values, typed from the specs: booleans for flags, strings for the rest. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K]['type'] extends 'string'
      ? string
      : string | boolean;
};

export interface PositionalSpec {
  name: string;
  description: string;
}

export interface CommandInput<O extends OptionSpecs> {
  values: OptionValues<O>;
  /** Exactly as many as the command declares: the parser rejects missing or extra ones. */
  positionals: string[];
}

/** What every command gets: where NATS is, how to print, and a lazily opened connection. */
export interface CommandContext {
  /** The NATS URL(s) from `--server`, `NATS_URL` or the default. */
  server: string;
  json: boolean;
  out: Output;
  /** Opens the connection on first use; the CLI closes it after the command. */
  connect(): Promise<NatsConnection>;
}

/**
 * A command of the table in `commands/index.ts`. `name` may have several words (`dlq list`):
 * the first word groups commands in help and resolution.
 */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  positionals: readonly PositionalSpec[];
  options: O;
  /** Shown under `--help`. */
  examples?: readonly string[];
  /** Resolves with the exit code; throws CliError (or anything else) for failures. */
  run(ctx: CommandContext, input: CommandInput<O>): Promise<number>;
}

/** Keeps the option names literal, so `input.values` is typed from the spec. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command {
  return command as unknown as Command;
}
