import { BUCKETS, OBJECT_STORES, STREAMS } from '@wadm/contracts';
import { provision } from '@wadm/runtime';
import { intOption } from '../args.js';
import { defineCommand } from '../command.js';
import { redactUrl } from '../connection.js';
import { ExitCode } from '../errors.js';

export const provisionCommand = defineCommand({
  name: 'provision',
  summary: 'Create or update every stream, consumer, KV bucket and object store',
  positionals: [],
  options: {
    replicas: {
      type: 'string',
      valueName: 'N',
      description:
        'Replicas, 1-5: 1 in development, 3 in production. Unset, new resources get 1 and existing ones keep theirs',
    },
  },
  examples: ['wadm provision --server nats://nats:4222 --replicas 3'],
  async run(ctx, { values }) {
    const replicas = intOption('--replicas', values.replicas, { min: 1, max: 5 }, 'provision');
    await provision(await ctx.connect(), replicas === undefined ? {} : { replicas });
    const summary = {
      server: redactUrl(ctx.server),
      replicas,
      streams: Object.values(STREAMS),
      buckets: Object.values(BUCKETS),
      objectStores: Object.values(OBJECT_STORES),
    };
    if (ctx.json) {
      ctx.out.json(summary);
      return ExitCode.OK;
    }
    ctx.out.line(`provisioned ${summary.server} (replicas ${replicas ?? 'unchanged'})`);
    ctx.out.line(`streams:       ${summary.streams.join(', ')}`);
    ctx.out.line(`kv buckets:    ${summary.buckets.join(', ')}`);
    ctx.out.line(`object stores: ${summary.objectStores.join(', ')}`);
    return ExitCode.OK;
  },
});
