import { CanonicalJsonError, type PathSegment } from './errors.js';

const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

/**
 * Parse RFC 8259 JSON text, refusing what JSON.parse silently accepts but a signature cannot survive:
 * duplicate object keys (JSON.parse keeps the last one, other parsers the first) and integer literals
 * beyond ±(2^53-1) (they would be rounded to a different number).
 */
export function parseJsonStrict(text: string): unknown {
  try {
    return new StrictParser(text).parseDocument();
  } catch (error) {
    // Stack exhaustion from hostile nesting; Python reports the same condition the same way.
    if (error instanceof RangeError) {
      throw new CanonicalJsonError('invalid_json', 'JSON text is nested too deeply', []);
    }
    throw error;
  }
}

class StrictParser {
  private pos = 0;
  private readonly path: PathSegment[] = [];

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private parseValue(): unknown {
    const char = this.text[this.pos];
    if (char === '{') return this.parseObject();
    if (char === '[') return this.parseArray();
    if (char === '"') return this.parseString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.parseNumber();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(
      char === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(char)}`,
    );
  }

  private parseObject(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.parseString();
      this.path.push(key);
      if (Object.hasOwn(result, key)) {
        throw new CanonicalJsonError('duplicate_key', `duplicate key ${JSON.stringify(key)}`, this.path);
      }
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      // defineProperty so a "__proto__" key becomes an own property, as with JSON.parse,
      // instead of replacing the prototype.
      Object.defineProperty(result, key, {
        value: this.parseValue(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.path.pop();
      this.skipWhitespace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return result;
      }
      this.expect(',');
      this.skipWhitespace();
    }
  }

  private parseArray(): unknown[] {
    const result: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.path.push(result.length);
      result.push(this.parseValue());
      this.path.pop();
      this.skipWhitespace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return result;
      }
      this.expect(',');
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const start = this.pos;
    let escaped = false;
    for (let i = start + 1; i < this.text.length; i++) {
      const code = this.text.charCodeAt(i);
      if (code === 0x22) {
        this.pos = i + 1;
        // Escape decoding and validation is JSON.parse's job; we only needed the token bounds.
        if (!escaped) return this.text.slice(start + 1, i);
        try {
          return JSON.parse(this.text.slice(start, i + 1)) as string;
        } catch {
          this.pos = start;
          return this.fail('invalid escape sequence in string');
        }
      }
      if (code === 0x5c) {
        escaped = true;
        i++;
      } else if (code < 0x20) {
        this.pos = i;
        this.fail('unescaped control character in string');
      }
    }
    return this.fail('unterminated string');
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail('invalid number');
    const literal = match[0];
    this.pos += literal.length;
    const isIntegerLiteral = match[1] === undefined && match[2] === undefined;
    if (isIntegerLiteral && exceedsSafeInteger(literal)) {
      throw new CanonicalJsonError(
        'unsafe_integer',
        `integer ${literal} is beyond ±(2^53-1) and cannot be represented exactly`,
        this.path,
      );
    }
    return Number(literal);
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.pos++;
  }

  private fail(detail: string): never {
    throw new CanonicalJsonError('invalid_json', `${detail} (offset ${this.pos})`, this.path);
  }
}

function exceedsSafeInteger(literal: string): boolean {
  const digits = literal.startsWith('-') ? literal.slice(1) : literal;
  // No leading zeros in valid JSON integers, so equal-length digit strings compare numerically.
  if (digits.length !== MAX_SAFE_DIGITS.length) return digits.length > MAX_SAFE_DIGITS.length;
  return digits > MAX_SAFE_DIGITS;
}
