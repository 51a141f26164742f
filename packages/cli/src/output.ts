/** Where commands write: stdout for results, stderr for notes that must not pollute them. */
export interface Output {
  /** One line of human output. */
  line(text?: string): void;
  /** One JSON document, for `--json`. */
  json(value: unknown): void;
  /** One compact JSON line, for streams (`watch --json` writes NDJSON). */
  jsonLine(value: unknown): void;
  /** A note for a human on stderr (hints, warnings); never part of the result. */
  note(text: string): void;
}

export function processOutput(): Output {
  return {
    line: (text = '') => void process.stdout.write(`${text}\n`),
    json: (value) => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    jsonLine: (value) => void process.stdout.write(`${JSON.stringify(value)}\n`),
    note: (text) => void process.stderr.write(`${text}\n`),
  };
}
