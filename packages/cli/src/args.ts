import { parseArgs } from 'node:util';
import type { Command, CommandInput, OptionSpecs } from './command.js';
import { UsageError } from './errors.js';

/** Options every command takes, before or after its name. */
export const GLOBAL_OPTIONS = {
  server: {
    type: 'string',
    valueName: 'URL',
    description: 'NATS server(s), comma-separated (default: $NATS_URL or nats://127.0.0.1:4222)',
  },
  json: { type: 'boolean', description: 'Machine-readable JSON output' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
} as const satisfies OptionSpecs;

export interface GlobalValues {
  server?: string;
  json?: boolean;
  help?: boolean;
}

/**
 * Splits `argv` into leading global options, command words and the rest. Global options may
 * also follow the command; those are picked up by {@link parseCommandArgs}.
 */
export function splitLeadingGlobals(argv: readonly string[]): {
  globals: GlobalValues;
  rest: string[];
} {
  const globals: GlobalValues = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) break;
    if (arg === '--json') globals.json = true;
    else if (arg === '--help' || arg === '-h') globals.help = true;
    else if (arg === '--server') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) {
        throw new UsageError('option --server needs a value');
      }
      globals.server = value;
      i++;
    } else if (arg.startsWith('--server=')) globals.server = arg.slice('--server='.length);
    else throw new UsageError(`unknown option ${arg.split('=')[0]}`);
  }
  return { globals, rest: argv.slice(i) };
}

/** Parses a command's arguments strictly; every parseArgs complaint becomes a UsageError. */
export function parseCommandArgs(
  command: Command,
  args: readonly string[],
): CommandInput<OptionSpecs> & { globals: GlobalValues } {
  const options: OptionSpecs = { ...command.options, ...GLOBAL_OPTIONS };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}) },
        ]),
      ),
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(describeParseError(err), command.name);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const globals: GlobalValues = {
    ...(typeof values['server'] === 'string' ? { server: values['server'] } : {}),
    ...(values['json'] === true ? { json: true } : {}),
    ...(values['help'] === true ? { help: true } : {}),
  };
  // Help wins over every other complaint: `wadm submit --help` needs no type.
  if (globals.help) return { values, positionals: parsed.positionals, globals };
  const wanted = command.positionals;
  const extra = parsed.positionals[wanted.length];
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, command.name);
  }
  const missing = wanted[parsed.positionals.length];
  if (missing) throw new UsageError(`missing <${missing.name}>`, command.name);
  return { values, positionals: parsed.positionals, globals };
}

/** parseArgs messages are long and suggest `--`; these name the option and stop. */
function describeParseError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'(-[^', ]+)/.exec(message)?.[1] ?? 'option';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take an argument')
        ? `option ${option} takes no value`
        : `option ${option} needs a value`;
    default:
      return message;
  }
}

/** A whole number within bounds, or a UsageError naming the option (`--limit`, `<seq>`). */
export function intOption(
  label: string,
  raw: string | undefined,
  bounds: { min: number; max: number },
  command: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < bounds.min || value > bounds.max) {
    throw new UsageError(
      `${label} must be a whole number from ${bounds.min} to ${bounds.max}, got ${JSON.stringify(raw)}`,
      command,
    );
  }
  return value;
}

/** One of `choices`, or a UsageError listing them. */
export function choiceOption<T extends string>(
  label: string,
  raw: string | undefined,
  choices: readonly T[],
  command: string,
): T | undefined {
  if (raw === undefined) return undefined;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(
    `${label} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`,
    command,
  );
}
