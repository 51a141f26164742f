#!/usr/bin/env node
// A worker service with no queue of its own: diagnostics.echo only, as every service serves it.
// Tests of the runtime and of the services that talk to workers (the gateway) run it as a real
// process, so they can SIGKILL it, SIGTERM it and restart it without building a real service.
// Exported as `@wadm/runtime/echo-worker`; it starts the service on import.
import { loadWorkerEnv, serviceMain } from '../index.js';

await serviceMain({
  service: 'testworker',
  queues: [],
  handlers: {},
  loadEnv: () => loadWorkerEnv([], { healthPort: 0 }),
});
