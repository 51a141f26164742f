import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/**
 * Parses the JSON value of an option. `@path` reads it from a file, as curl does, so large
 * params need no shell quoting. A syntax error names the option and the line and column.
 */
export function parseJsonOption(option: string, raw: string, command: string): unknown {
  let text = raw;
  let source = `--${option}`;
  if (raw.startsWith('@')) {
    source = `--${option} file ${raw.slice(1)}`;
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(`cannot read ${source}: ${reason}`, command);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`invalid JSON in ${source}: ${locateJsonError(text)}`, command);
  }
}

/**
 * Where and why `text` is not JSON. V8's own messages leave the position out for some errors
 * ("Unexpected token '}', ... is not valid JSON"), so this scans the text itself.
 */
export function locateJsonError(text: string): string {
  const scanner = new JsonScanner(text);
  const problem = scanner.firstProblem();
  const { line, column } = lineAndColumn(text, problem.at);
  return `${problem.what} at line ${line} column ${column}`;
}

function lineAndColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

interface Problem {
  at: number;
  what: string;
}

class JsonProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.what);
  }
}

/** A validating JSON scanner that only reports the first problem; JSON.parse does the parsing. */
class JsonScanner {
  private i = 0;
  constructor(private readonly s: string) {}

  firstProblem(): Problem {
    try {
      this.value();
      this.space();
      if (this.i < this.s.length) this.fail('unexpected text after the JSON value');
      return { at: this.s.length, what: 'invalid JSON' };
    } catch (err) {
      if (err instanceof JsonProblem) return err.problem;
      throw err;
    }
  }

  private fail(what: string): never {
    throw new JsonProblem({ at: this.i, what });
  }

  private unexpected(expected: string): never {
    if (this.i >= this.s.length) this.fail(`unexpected end of input, expected ${expected}`);
    this.fail(`unexpected ${JSON.stringify(this.s[this.i])}, expected ${expected}`);
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.s[this.i] ?? '')) this.i++;
  }

  private value(): void {
    this.space();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.unexpected('a value');
  }

  private object(): void {
    this.i++;
    this.space();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.s[this.i] !== '"') this.unexpected('a double-quoted property name');
      this.string();
      this.space();
      if (this.s[this.i] !== ':') this.unexpected("':'");
      this.i++;
      this.value();
      this.space();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return;
      }
      this.unexpected("',' or '}'");
    }
  }

  private array(): void {
    this.i++;
    this.space();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return;
      }
      this.unexpected("',' or ']'");
    }
  }

  private string(): void {
    const start = this.i;
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        const m = /^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(this.s.slice(this.i, this.i + 6));
        if (!m) this.fail('invalid escape in string');
        this.i += m[0].length;
        continue;
      }
      if (c < ' ') this.fail('control character in string');
      this.i++;
    }
    this.i = start;
    this.fail('unterminated string');
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (!m) this.unexpected('a number');
    this.i += m[0].length;
  }
}
