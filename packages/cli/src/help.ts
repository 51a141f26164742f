import { GLOBAL_OPTIONS } from './args.js';
import type { Command, OptionSpecs } from './command.js';

function optionLines(options: OptionSpecs): string[] {
  const entries = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}`;
    return [o.type === 'string' ? `${flag} ${o.valueName ?? 'VALUE'}` : flag, o.description];
  });
  const width = Math.max(...entries.map(([flag]) => (flag as string).length));
  return entries.map(([flag, text]) => `  ${(flag as string).padEnd(width)}  ${text}`);
}

function usageLine(command: Command): string {
  const args = command.positionals.map((p) => `<${p.name}>`).join(' ');
  return `wadm ${command.name}${args ? ` ${args}` : ''} [options]`;
}

const FOOTER = [
  'Exit codes: 0 success, 1 failure (NATS unreachable, no such task, task did not succeed),',
  '            2 usage error (unknown command or option, bad value, invalid params).',
];

/** `wadm --help`: every command, one line each. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => usageLine(c).length));
  return [
    'Usage: wadm <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${usageLine(c).padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    ...FOOTER,
    'Run "wadm <command> --help" for the options of a command.',
  ].join('\n');
}

/** `wadm dlq --help`: the commands of one group. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => usageLine(c).length));
  return [
    `Usage: wadm ${group} <command> [options]`,
    '',
    ...commands.map((c) => `  ${usageLine(c).padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** `wadm submit --help`. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary];
  if (command.positionals.length > 0) {
    const width = Math.max(...command.positionals.map((p) => p.name.length + 2));
    lines.push('', 'Arguments:');
    for (const p of command.positionals) {
      lines.push(`  ${`<${p.name}>`.padEnd(width)}  ${p.description}`);
    }
  }
  if (Object.keys(command.options).length > 0) {
    lines.push('', 'Options:', ...optionLines(command.options));
  }
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  lines.push('', ...FOOTER);
  return lines.join('\n');
}
