import {
  DEFAULT_STORAGE_QUOTA_BYTES,
  EnvError,
  intVar,
  loadBaseEnv,
  mongoUrlVar,
  parseAllowList,
  portVar,
  stringVar,
  type AllowList,
  type BaseEnv,
  type EnvSource,
} from '@wadm/runtime';

/** The gateway's configuration: the variables every service reads, and its own. */
export interface GatewayEnv extends BaseEnv {
  httpPort: number;
  wsPort: number;
  /** HS256 secret (development). */
  jwtSecret: string | undefined;
  /** RS256 JWKS URL (production); wins over the secret. */
  jwksUrl: string | undefined;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  /** Tokens living longer than this (`exp − iat`, or `exp − now` without `iat`) are refused. */
  jwtMaxLifetimeSeconds: number;
  /** Clock difference tolerated on a token's `nbf`, `iat` and `exp`. */
  jwtClockSkewSeconds: number;
  maxBodyBytes: number;
  /** Non-terminal tasks one user may have before submissions get 429. */
  pendingQuota: number;
  /** Stored artifact bytes one user may have before submissions get 429; 0: no quota. */
  storageQuotaBytes: number;
  /** Bytes a WebSocket client may have buffered before progress is conflated. */
  wsMaxBufferBytes: number;
  wsIdleTimeoutSeconds: number;
  /** A client that stays behind this long is closed (4008) and must resume. */
  wsSlowClientTimeoutMs: number;
  /** Bytes of events waiting for one slow client before it is closed (4008). */
  wsMaxQueuedBytes: number;
  /** Open sockets one user may hold on this instance; one more is closed with 4429. */
  wsMaxConnectionsPerUser: number;
  /** Stream messages one resume may replay; past it the socket is closed with 4413. */
  wsMaxResumeEvents: number;
  /** WADM_SCHEDULES_PER_USER: schedules one user may own. */
  schedulesPerUser: number;
  /** MONGODB_URL: candles live in MongoDB when set, else in the MARKET_DATA object store. */
  mongoUrl: string | undefined;
  /**
   * WADM_WEBHOOK_ALLOW, as the reports service reads it: private, loopback and link-local
   * webhook destinations it lists are accepted at registration and submission.
   */
  webhookAllow: AllowList;
}

export function loadEnv(env: EnvSource = process.env): GatewayEnv {
  const jwtSecret = env['WADM_JWT_SECRET'] || undefined;
  const jwksUrl = env['WADM_JWKS_URL'] || undefined;
  if (!jwtSecret && !jwksUrl) {
    throw new EnvError('WADM_JWT_SECRET', 'set it (HS256, development) or WADM_JWKS_URL (RS256)');
  }
  if (jwtSecret && !jwksUrl && jwtSecret.length < 32) {
    throw new EnvError('WADM_JWT_SECRET', 'must be at least 32 characters');
  }
  return {
    ...loadBaseEnv(env, { instance: `gateway-${process.pid}` }),
    httpPort: portVar(env, 'WADM_HTTP_PORT', 8000),
    wsPort: portVar(env, 'WADM_WS_PORT', 8001),
    jwtSecret,
    jwksUrl: jwksUrl ? stringVar(env, 'WADM_JWKS_URL', '', /^https?:\/\/\S+$/) : undefined,
    jwtIssuer: env['WADM_JWT_ISSUER'] || undefined,
    jwtAudience: env['WADM_JWT_AUDIENCE'] || undefined,
    jwtMaxLifetimeSeconds: intVar(env, 'WADM_JWT_MAX_LIFETIME_S', 86_400, { min: 60 }),
    jwtClockSkewSeconds: intVar(env, 'WADM_JWT_CLOCK_SKEW_S', 5, { min: 0, max: 300 }),
    maxBodyBytes: intVar(env, 'WADM_MAX_BODY_BYTES', 1_048_576, { min: 1_024, max: 67_108_864 }),
    pendingQuota: intVar(env, 'WADM_PENDING_QUOTA', 1_000, { min: 1 }),
    storageQuotaBytes: intVar(env, 'WADM_STORAGE_QUOTA_BYTES', DEFAULT_STORAGE_QUOTA_BYTES, {
      min: 0,
    }),
    wsMaxBufferBytes: intVar(env, 'WADM_WS_MAX_BUFFER_BYTES', 1_048_576, { min: 1_024 }),
    wsIdleTimeoutSeconds: intVar(env, 'WADM_WS_IDLE_TIMEOUT_S', 60, { min: 8, max: 960 }),
    wsSlowClientTimeoutMs: intVar(env, 'WADM_WS_SLOW_CLIENT_TIMEOUT_MS', 30_000, { min: 1_000 }),
    wsMaxQueuedBytes: intVar(env, 'WADM_WS_MAX_QUEUED_BYTES', 4_194_304, { min: 1_024 }),
    wsMaxConnectionsPerUser: intVar(env, 'WADM_WS_MAX_CONNECTIONS_PER_USER', 20, { min: 1 }),
    wsMaxResumeEvents: intVar(env, 'WADM_WS_MAX_RESUME_EVENTS', 10_000, { min: 1 }),
    schedulesPerUser: intVar(env, 'WADM_SCHEDULES_PER_USER', 100, { min: 0 }),
    mongoUrl: mongoUrlVar(env),
    webhookAllow: parseAllowList(env['WADM_WEBHOOK_ALLOW'] ?? '', 'WADM_WEBHOOK_ALLOW'),
  };
}
