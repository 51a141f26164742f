#!/usr/bin/env node
import { serviceMain } from '@wadm/runtime';
import { loadEnv } from './env.js';

// Serves diagnostics.echo until the reports issue adds the service's own queue and handlers.
await serviceMain({ service: 'reports', queues: [], handlers: {}, loadEnv });
