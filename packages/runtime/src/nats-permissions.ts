import {
  BUCKETS,
  consumerName,
  OBJECT_STORES,
  PRIORITIES,
  STREAMS,
  subjects,
  type Queue,
} from '@wadm/contracts';

/**
 * The one source of the NATS users and what each may do: `deploy/nats/generate.mjs` renders it
 * into the server config of Compose and Kubernetes, `npm start` with WADM_NATS_AUTH=1 into its
 * local server's, and test/deploy loads it into a real nats-server. Everything is derived from
 * the names in `@wadm/contracts`, so a renamed stream or queue changes the permissions with it.
 */
export const NATS_ROLES = [
  'provision',
  'gateway',
  'scheduler',
  'backtest',
  'reports',
  'exports',
] as const;
export type NatsRole = (typeof NATS_ROLES)[number];

/** The worker services and the queues each pulls (every worker also serves `diagnostics`). */
export const WORKER_QUEUES = {
  backtest: ['backtest', 'analysis', 'diagnostics'],
  reports: ['reports', 'notify', 'diagnostics'],
  exports: ['exports', 'maintenance', 'diagnostics'],
} as const satisfies Record<string, readonly Queue[]>;
export type WorkerRole = keyof typeof WORKER_QUEUES;

export interface SubjectPermissions {
  publish: string[];
  subscribe: string[];
}

type Bucket = keyof typeof BUCKETS;
type ObjectStore = keyof typeof OBJECT_STORES;

/**
 * Who writes and who reads each KV bucket. Partial so that a bucket added to the contracts
 * does not break the build; test/deploy fails until it is given an entry here.
 */
export const BUCKET_ACCESS: Partial<Record<Bucket, { write: NatsRole[]; read: NatsRole[] }>> = {
  // The gateway and the scheduler create PENDING states and revoke; workers run tasks; the
  // exports service's cleanup removes expired ones.
  taskState: { write: ['gateway', 'scheduler', 'backtest', 'reports', 'exports'], read: [] },
  schedules: { write: ['gateway', 'scheduler'], read: [] },
  // Heartbeats; the exports cleanup removes silent workers' entries.
  workers: { write: ['backtest', 'reports', 'exports'], read: ['gateway'] },
  // Workers charge results; the gateway checks the quota and refunds deleted results.
  usage: { write: ['gateway', 'backtest', 'reports', 'exports'], read: ['scheduler'] },
  notifySent: { write: ['reports'], read: [] },
  // Users register webhooks and alert rules over REST; the reports service sends and evaluates.
  webhooks: { write: ['gateway'], read: ['reports'] },
  alerts: { write: ['gateway'], read: ['reports'] },
  alertState: { write: ['reports'], read: ['gateway'] },
  exchangeHealth: { write: ['exports'], read: ['gateway'] },
};

export const OBJECT_STORE_ACCESS: Record<ObjectStore, { write: NatsRole[]; read: NatsRole[] }> = {
  artifacts: { write: ['gateway', 'backtest', 'reports', 'exports'], read: [] },
  marketData: { write: ['gateway'], read: ['backtest', 'reports', 'exports'] },
};

const API = '$JS.API';

/** Opening a stream and reading it: info, message gets, ordered (ephemeral) consumers. */
function streamRead(stream: string): string[] {
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.STREAM.MSG.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}.>`,
    `${API}.CONSUMER.CREATE.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.>`,
    `${API}.CONSUMER.DELETE.${stream}.>`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.>`,
    // Flow-control replies of ordered push consumers (KV watch, object reads).
    `$JS.FC.${stream}.>`,
  ];
}

function kvGrant(bucket: string, write: boolean): string[] {
  return [...streamRead(`KV_${bucket}`), ...(write ? [`$KV.${bucket}.>`] : [])];
}

/** Writing an object publishes chunks and meta, and purges the chunks it replaces. */
function objectGrant(store: string, write: boolean): string[] {
  const stream = `OBJ_${store}`;
  return [
    ...streamRead(stream),
    ...(write ? [`$O.${store}.>`, `${API}.STREAM.PURGE.${stream}`] : []),
  ];
}

/** Pulling one durable task consumer: its info, next messages, acks, naks, `working()`. */
function pullGrant(consumer: string): string[] {
  return [
    `${API}.CONSUMER.INFO.${STREAMS.tasks}.${consumer}`,
    `${API}.CONSUMER.MSG.NEXT.${STREAMS.tasks}.${consumer}`,
    `$JS.ACK.${STREAMS.tasks}.${consumer}.>`,
  ];
}

function storeGrants(role: NatsRole): string[] {
  const out: string[] = [];
  for (const [key, access] of Object.entries(BUCKET_ACCESS)) {
    const bucket = BUCKETS[key as Bucket];
    if (access.write.includes(role)) out.push(...kvGrant(bucket, true));
    else if (access.read.includes(role)) out.push(...kvGrant(bucket, false));
  }
  for (const [key, access] of Object.entries(OBJECT_STORE_ACCESS)) {
    const store = OBJECT_STORES[key as ObjectStore];
    if (access.write.includes(role)) out.push(...objectGrant(store, true));
    else if (access.read.includes(role)) out.push(...objectGrant(store, false));
  }
  return out;
}

/** Every user: JetStream account info (`jetstreamManager()` asks it) and replies to its inbox. */
const COMMON: SubjectPermissions = { publish: [`${API}.INFO`], subscribe: ['_INBOX.>'] };

function workerPermissions(role: WorkerRole): SubjectPermissions {
  const queues: readonly Queue[] = WORKER_QUEUES[role];
  const publish = [
    subjects.eventsAll,
    ...queues.map((q) => subjects.dlq(q)),
    ...queues.flatMap((q) => PRIORITIES.flatMap((p) => pullGrant(consumerName(q, p)))),
    ...storeGrants(role),
  ];
  // Alerts and exchange-status changes become notify.email tasks.
  if (role === 'reports' || role === 'exports') {
    publish.push(...PRIORITIES.map((p) => subjects.task('notify', p)));
  }
  // maintenance.exchange_health tells of a status change on core NATS.
  if (role === 'exports') publish.push(subjects.exchangeStatusAll);
  // maintenance.cleanup trims dead letters past their age.
  if (role === 'exports')
    publish.push(...streamRead(STREAMS.dlq), `${API}.STREAM.PURGE.${STREAMS.dlq}`);
  return { publish, subscribe: [subjects.cancelAll] };
}

function rolePermissions(role: NatsRole): SubjectPermissions {
  switch (role) {
    case 'provision':
      // Creates, updates and deletes streams, consumers, buckets and stores; seeds market data.
      return { publish: [`${API}.>`, '$KV.>', '$O.>', '$JS.FC.>'], subscribe: [] };
    case 'gateway':
      return {
        publish: [
          subjects.tasksAll,
          subjects.eventsAll,
          subjects.cancelAll,
          `${API}.STREAM.INFO.${STREAMS.tasks}`,
          ...streamRead(STREAMS.events),
          // The admin's dead-letter routes: list, replay (a task publish), delete, purge.
          ...streamRead(STREAMS.dlq),
          `${API}.STREAM.MSG.DELETE.${STREAMS.dlq}`,
          `${API}.STREAM.PURGE.${STREAMS.dlq}`,
          ...storeGrants(role),
        ],
        subscribe: [subjects.eventsAll, subjects.exchangeStatusAll],
      };
    case 'scheduler':
      return {
        // Fires are task submissions; the duplicate window of TASKS is read at start.
        publish: [
          subjects.tasksAll,
          subjects.eventsAll,
          `${API}.STREAM.INFO.${STREAMS.tasks}`,
          ...storeGrants(role),
        ],
        subscribe: [],
      };
    default:
      return workerPermissions(role);
  }
}

/** The subjects `role` may publish to and subscribe on, without duplicates. */
export function natsPermissions(role: NatsRole): SubjectPermissions {
  const own = rolePermissions(role);
  return {
    publish: [...new Set([...COMMON.publish, ...own.publish])],
    subscribe: [...new Set([...COMMON.subscribe, ...own.subscribe])],
  };
}
