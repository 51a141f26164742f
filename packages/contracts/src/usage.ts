import { Type, type Static } from '@sinclair/typebox';

/**
 * What one user has stored in results and artifacts, in USAGE under the owner's name: bytes
 * per UTC day (`YYYY-MM-DD`). Stored data expires by age (ARTIFACTS `max_age`, TASK_STATE TTL),
 * so a day older than that window no longer counts. Version 1.
 */
export const StorageUsage = Type.Object({
  v: Type.Literal(1),
  days: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
});
export type StorageUsage = Static<typeof StorageUsage>;
