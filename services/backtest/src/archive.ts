import { mongoDatabaseName } from '@wadm/market-data';
import type { Logger, TaskHandler } from '@wadm/runtime';
import type { TaskType } from '@wadm/contracts';
import { MongoClient, type Collection } from 'mongodb';

/** One finished backtest or analysis in MongoDB, where WADM's product reads its history. */
export interface ArchivedResult {
  taskId: string;
  owner: string;
  type: string;
  params: unknown;
  result: unknown;
  finishedAt: Date;
  worker: string;
}

export const ARCHIVE_COLLECTION = 'task_results';

/** Results of successful tasks kept in MongoDB when `MONGODB_URL` is set. */
export class ResultArchive {
  private constructor(
    private readonly client: MongoClient,
    private readonly results: Collection<ArchivedResult>,
  ) {}

  static async open(mongoUrl: string): Promise<ResultArchive> {
    const client = await MongoClient.connect(mongoUrl);
    const results = client
      .db(mongoDatabaseName(mongoUrl))
      .collection<ArchivedResult>(ARCHIVE_COLLECTION);
    // Keyed by task: a redelivered task that finishes again replaces its record, never doubles it.
    await results.createIndex({ owner: 1, taskId: 1 }, { unique: true });
    return new ResultArchive(client, results);
  }

  async save(record: ArchivedResult): Promise<void> {
    await this.results.replaceOne({ owner: record.owner, taskId: record.taskId }, record, {
      upsert: true,
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * `handler`, with its result archived before it is returned. An archive that fails is logged,
 * not fatal: the result is still in TASK_STATE, and retrying the task would not fix MongoDB.
 */
export function archived<T extends TaskType>(
  handler: TaskHandler<T>,
  archive: ResultArchive | undefined,
  logger: Logger,
): TaskHandler<T> {
  if (!archive) return handler;
  return async (ctx) => {
    const result = await handler(ctx);
    const record: ArchivedResult = {
      taskId: ctx.id,
      owner: ctx.owner,
      type: ctx.type,
      params: ctx.params,
      result,
      finishedAt: new Date(),
      worker: ctx.worker,
    };
    await archive.save(record).catch((err: unknown) => {
      logger.warn({ err, task: ctx.id }, 'result not archived to MongoDB');
    });
    return result;
  };
}
