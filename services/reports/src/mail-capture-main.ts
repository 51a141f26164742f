#!/usr/bin/env node
// `npm start`'s SMTP server when WADM_SMTP_URL is unset: every mail lands in a folder as .eml.
import { runMain } from '@wadm/runtime';
import { loadCaptureEnv } from './env.js';
import { startMailCapture } from './mail/capture-server.js';

await runMain({
  service: 'mail-capture',
  loadEnv: loadCaptureEnv,
  async start(env, logger) {
    const capture = await startMailCapture({
      dir: env.captureDir,
      port: env.capturePort,
      onMessage: (file) => logger.info({ file }, 'mail captured'),
    });
    logger.info(
      `mail capture ready on ${capture.url}: every message is saved as an .eml file in ${capture.dir}`,
    );
    return { stop: () => capture.close(), stopTimeoutMs: 5_000 };
  },
});
