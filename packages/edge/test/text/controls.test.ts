import { describe, expect, it } from 'vitest';
import { blankUnsafe, escapeUnsafe, escapeUnsafeInJson } from '../../src/text/controls.js';

// Every character no terminal or log line may receive raw: C0, DEL, C1, U+2028/9, bidi controls.
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)),
  ...Array.from({ length: 0x21 }, (_, offset) => String.fromCharCode(0x7f + offset)),
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];
const HOSTILE = `approve\u001b[2J\u001b]0;pwned\u0007\u202egnp.exe\u009b31m\r\nFAKE: approved\u2028${UNSAFE.join('')}`;
const raw = (text: string) => UNSAFE.filter((char) => text.includes(char));

describe('text that reaches terminals and logs', () => {
  it('escapes every unsafe character visibly and keeps the rest', () => {
    const out = escapeUnsafe(HOSTILE);
    expect(raw(out)).toEqual([]);
    expect(out).toContain(
      'approve\\x1b[2J\\x1b]0;pwned\\x07\\u202egnp.exe\\x9b31m\\x0d\\x0aFAKE: approved\\u2028',
    );
    expect(escapeUnsafe('café → ok')).toBe('café → ok');
  });

  it('blanks every unsafe character in prose', () => {
    const out = blankUnsafe(HOSTILE);
    expect(raw(out)).toEqual([]);
    expect(out.startsWith('approve [2J ]0;pwned  gnp.exe 31m  FAKE: approved ')).toBe(true);
  });

  it('leaves JSON valid and equal while no unsafe character stays raw', () => {
    const value = { note: HOSTILE, [HOSTILE]: [HOSTILE] };
    const json = escapeUnsafeInJson(JSON.stringify(value));
    expect(raw(json)).toEqual([]);
    expect(JSON.parse(json)).toEqual(value);
  });
});
