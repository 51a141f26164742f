import type { Command } from '../command.js';
import { dlqCommands } from './dlq.js';
import { importCandlesCommand } from './import-candles.js';
import { provisionCommand } from './provision.js';
import { resultCommand } from './result.js';
import { scheduleCommands } from './schedules.js';
import { submitCommand } from './submit.js';
import { taskCommands } from './tasks.js';
import { tokenCommand } from './token.js';

/**
 * Every command, in the order help lists them. A new command or group (`token`,
 * `import-candles`) is one module exporting its commands, added here.
 */
export const COMMANDS: readonly Command[] = [
  provisionCommand,
  submitCommand,
  ...taskCommands,
  resultCommand,
  ...dlqCommands,
  ...scheduleCommands,
  tokenCommand,
  importCandlesCommand,
];
