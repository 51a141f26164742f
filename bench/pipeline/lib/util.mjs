// Small helpers shared by the benchmark's modules.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(...args) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${args.join(' ')}\n`);
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
