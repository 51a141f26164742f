import { Type, type Static } from '@sinclair/typebox';

/** A worker instance's heartbeat in WORKERS, keyed `<service>.<instance>`. */
export const WorkerHeartbeat = Type.Object({
  service: Type.String(),
  instance: Type.String(),
  hostname: Type.String(),
  pid: Type.Integer(),
  queues: Type.Array(Type.String()),
  slots: Type.Integer(),
  inFlight: Type.Integer(),
  buffered: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  retried: Type.Integer(),
  revoked: Type.Integer(),
  startedAt: Type.String(),
  ts: Type.String(),
  rssBytes: Type.Integer(),
});
export type WorkerHeartbeat = Static<typeof WorkerHeartbeat>;
