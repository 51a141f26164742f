/** The Secret every NATS password comes from (one key per user, named after it). */
export const NATS_SECRET: string;
/** deploy/nats/auth.conf as the generator renders it. */
export function authConf(): string;
/** deploy/k8s/nats/auth-values.yaml as the generator renders it. */
export function authValues(): string;
