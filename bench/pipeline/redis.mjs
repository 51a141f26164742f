// The local Redis that BullMQ and Celery use: BENCH_REDIS_URL (redis://host:port/db).
import Redis from 'ioredis';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** ioredis options from the URL. */
export function redisOptions(url = REDIS_URL) {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** A connection closed on scope close, and the server's pid (to measure its CPU). */
export async function openRedis(scope) {
  const redis = new Redis(redisOptions());
  scope.defer(() => redis.disconnect());
  const info = await redis.info('server');
  const pid = Number(info.match(/^process_id:(\d+)/m)?.[1]);
  return { redis, pid };
}
