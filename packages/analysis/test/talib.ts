import { createRequire } from 'node:module';

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
interface Talib {
  execute(request: Record<string, unknown>): TalibResult;
}

// talib 1.1.6 is CommonJS without types.
const talib = createRequire(import.meta.url)('talib') as Talib;

/**
 * Runs TA-Lib function `name` over whole columns and returns each output as a column of the
 * input's length with NaN before TA-Lib's `begIndex`: the engine's representation. TA-Lib reads
 * plain arrays only (typed arrays come back as garbage), hence the copies. Pass every option:
 * when the binding fails synchronously (a missing `optInMAType` does it) it aborts the process.
 */
export function talibColumns(
  name: string,
  inputs: Record<string, Float64Array>,
  options: Record<string, number>,
): Record<string, Float64Array> {
  const columns = Object.values(inputs);
  const n = columns[0]!.length;
  const plain = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, Array.from(v)]));
  const response = talib.execute({ name, startIdx: 0, endIdx: n - 1, ...plain, ...options });
  const out: Record<string, Float64Array> = {};
  for (const [key, values] of Object.entries(response.result)) {
    const column = new Float64Array(n).fill(NaN);
    column.set(values.slice(0, response.nbElement), response.begIndex);
    out[key] = column;
  }
  return out;
}

/** The single output of a one-output TA-Lib function, as `talibColumns`. */
export function talibColumn(
  name: string,
  inputs: Record<string, Float64Array>,
  options: Record<string, number>,
): Float64Array {
  return Object.values(talibColumns(name, inputs, options))[0]!;
}
