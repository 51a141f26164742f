#!/usr/bin/env node
// An init container's wait for the provisioning Job: exits 0 once every stream named on the
// command line exists (KV buckets are KV_<name>, object stores OBJ_<name>). It connects as the
// service it precedes (WADM_NATS_USER/WADM_NATS_PASSWORD), asking only what that user may ask.
// Imported by path: the image's production install has the runtime's dependencies, not the root's.
import { connectNats } from '../packages/runtime/dist/index.js';

const streams = process.argv.slice(2);
const RETRY_MS = 2_000;
const nc = await connectNats({
  url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  name: `wait-provisioned.${process.env.HOSTNAME ?? process.pid}`,
});

/** The streams not there yet; a refused or failed request counts as not there. */
async function missing() {
  const out = [];
  for (const name of streams) {
    const reply = await nc
      .request(`$JS.API.STREAM.INFO.${name}`, '', { timeout: RETRY_MS })
      .then((m) => m.json())
      .catch((err) => ({ error: { description: err.message } }));
    if (reply.error) out.push(`${name} (${reply.error.description})`);
  }
  return out;
}

for (let left = await missing(); left.length > 0; left = await missing()) {
  process.stdout.write(`waiting for the provisioning job: ${left.join(', ')}\n`);
  await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
}
process.stdout.write(`provisioned: ${streams.join(', ')}\n`);
await nc.close();
