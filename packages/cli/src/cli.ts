import type { NatsConnection } from '@nats-io/transport-node';
import { parseCommandArgs, splitLeadingGlobals } from './args.js';
import type { Command, CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { openConnection, resolveServer } from './connection.js';
import { toCliError } from './describe-error.js';
import { UsageError } from './errors.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { processOutput, type Output } from './output.js';

type Resolved =
  | { kind: 'command'; command: Command; args: string[] }
  | { kind: 'group'; group: string; commands: Command[]; args: string[] };

/** The longest command name that `words` starts with (`dlq list` before `dlq`). */
function resolve(words: readonly string[], commands: readonly Command[]): Resolved {
  const [first, second] = words;
  const exact = commands.find((c) => c.name === `${first} ${second}`);
  if (exact) return { kind: 'command', command: exact, args: words.slice(2) };
  const single = commands.find((c) => c.name === first);
  if (single) return { kind: 'command', command: single, args: words.slice(1) };
  const members = commands.filter((c) => c.name.startsWith(`${first} `));
  if (members.length > 0) {
    if (second !== undefined && !second.startsWith('-')) {
      const names = members.map((c) => c.name.split(' ')[1]).join(', ');
      throw new UsageError(`unknown command "${first} ${second}"; ${first} commands: ${names}`);
    }
    return { kind: 'group', group: first as string, commands: members, args: words.slice(1) };
  }
  const names = [...new Set(commands.map((c) => c.name.split(' ')[0]))].join(', ');
  throw new UsageError(`unknown command ${JSON.stringify(first)}; commands: ${names}`);
}

export interface CliEnvironment {
  out?: Output;
  env?: NodeJS.ProcessEnv;
  commands?: readonly Command[];
}

/**
 * Runs one command line and resolves with the exit code. Every failure becomes one line on
 * stderr; nothing is thrown at the caller.
 */
export async function runCli(argv: readonly string[], cli: CliEnvironment = {}): Promise<number> {
  const out = cli.out ?? processOutput();
  const env = cli.env ?? process.env;
  const commands = cli.commands ?? COMMANDS;
  let server = resolveServer(undefined, env);
  let commandName: string | undefined;
  let connection: Promise<NatsConnection> | undefined;
  try {
    const { globals, rest } = splitLeadingGlobals(argv);
    if (rest[0] === 'help') return showHelp(rest.slice(1), commands, out);
    if (rest.length === 0) {
      if (globals.help) return showHelp([], commands, out);
      throw new UsageError('missing command (see "wadm --help")');
    }
    const resolved = resolve(rest, commands);
    if (resolved.kind === 'group') {
      if (globals.help || resolved.args.some((a) => a === '--help' || a === '-h')) {
        out.line(groupHelp(resolved.group, resolved.commands));
        return 0;
      }
      const names = resolved.commands.map((c) => c.name.split(' ')[1]).join(', ');
      throw new UsageError(`${resolved.group} needs a command: ${names}`);
    }
    const { command } = resolved;
    commandName = command.name;
    const input = parseCommandArgs(command, resolved.args);
    const options = { ...globals, ...input.globals };
    if (options.help) {
      out.line(commandHelp(command));
      return 0;
    }
    server = resolveServer(options.server, env);
    const target = server;
    const ctx: CommandContext = {
      server,
      json: options.json ?? false,
      out,
      connect: () => (connection ??= openConnection(target)),
    };
    return await command.run(ctx, { values: input.values, positionals: input.positionals });
  } catch (err) {
    const failure = toCliError(err, server, commandName);
    const where = failure instanceof UsageError && failure.command ? failure.command : commandName;
    const hint =
      failure instanceof UsageError && failure.command
        ? ` (see "wadm ${failure.command} --help")`
        : '';
    out.note(`wadm${where ? ` ${where}` : ''}: ${failure.message}${hint}`);
    if (env['WADM_DEBUG'] === '1' && err instanceof Error && err.stack) out.note(err.stack);
    return failure.exitCode;
  } finally {
    const nc = await connection?.catch(() => undefined);
    await nc?.close().catch(() => undefined);
  }
}

function showHelp(words: readonly string[], commands: readonly Command[], out: Output): number {
  if (words.length === 0) {
    out.line(mainHelp(commands));
    return 0;
  }
  const resolved = resolve(words, commands);
  out.line(
    resolved.kind === 'group'
      ? groupHelp(resolved.group, resolved.commands)
      : commandHelp(resolved.command),
  );
  return 0;
}
