#!/usr/bin/env node
import { runCli } from './cli.js';
import { ExitCode } from './errors.js';

// `wadm list | head` closes the pipe early: a reader that has seen enough is not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) =>
  process.exit(err.code === 'EPIPE' ? ExitCode.OK : ExitCode.FAILURE),
);

const code = await runCli(process.argv.slice(2));
// Exit explicitly once output is flushed: a lingering timer or socket must not keep a CLI alive.
process.stdout.write('', () => process.exit(code));
