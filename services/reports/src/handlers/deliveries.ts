import type { SentLog } from '../notify/sent-log.js';

/** The sent log, plus the test hook that kills the process between a delivery and its ack. */
export class Deliveries {
  constructor(
    private readonly log: SentLog,
    private readonly crashAfterSend: boolean,
  ) {}

  find<T>(owner: string, taskId: string): Promise<T | undefined> {
    return this.log.get<T>(owner, taskId);
  }

  async record(owner: string, taskId: string, result: unknown): Promise<void> {
    await this.log.record(owner, taskId, result);
    // WADM_NOTIFY_CRASH_AFTER_SEND (tests, with WADM_ALLOW_CRASH): die as a worker can, sent
    // and recorded but not acked, so that the redelivery's path is tested for real.
    if (this.crashAfterSend) process.kill(process.pid, 'SIGKILL');
  }
}
