export { runCli, type CliEnvironment } from './cli.js';
export { COMMANDS } from './commands/index.js';
export {
  defineCommand,
  type Command,
  type CommandContext,
  type CommandInput,
  type OptionSpec,
  type OptionSpecs,
} from './command.js';
export { CliError, ExitCode, FailureError, UsageError } from './errors.js';
export type { Output } from './output.js';
