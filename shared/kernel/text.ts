/**
 * The one sanitizer for text taken from events (job names, tags, file names, reasons) before it
 * reaches a terminal or a message line: a job named `\u001b[2J…ALL CLEAR` must print as text, not
 * clear the screen, and a newline in a value must not start a line of its own.
 *
 * Escaped: C0 controls (U+0000–U+001F, newline and tab included), DEL (U+007F), C1 controls
 * (U+0080–U+009F, U+009B is a one-byte CSI), the bidirectional formatting characters (U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: they reorder what follows them), the line and
 * paragraph separators U+2028/U+2029 and the byte-order mark U+FEFF. Code units below 0x100
 * become `\xNN`, the others `\u{NNNN}`. Everything else, backslashes included, is kept.
 * Matched without a regular expression: one pass over the code units.
 */

/** True for a code unit the sanitizer escapes. */
export function isUnsafeCodeUnit(c: number): boolean {
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  if (c < 0x61c) return false;
  return (
    c === 0x61c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0xfeff
  );
}

function escapeUnit(c: number): string {
  return c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`;
}

/**
 * `text` on one line with every control, bidi override and separator escaped.
 * @example escapeControls('x\u001b[2Jok\n') // 'x\\x1b[2Jok\\x0a'
 */
export function escapeControls(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isUnsafeCodeUnit(c)) continue;
    out += text.slice(from, i) + escapeUnit(c);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * JSON text safe to print: `JSON.stringify` already escapes C0 controls, this escapes the rest
 * (DEL, C1, bidi, separators) as `\uNNNN`, which parses back to the same value.
 * @example terminalJson('{"a":"\u202e"}') // '{"a":"\\u202e"}'
 */
export function terminalJson(json: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // Below 0x20 only the indentation's newlines remain: JSON.stringify escapes those in strings.
    if (c < 0x20 || !isUnsafeCodeUnit(c)) continue;
    out += `${json.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return from === 0 ? json : out + json.slice(from);
}

/**
 * `JSON.stringify(value, null, indent)` made safe for a terminal ({@link terminalJson}).
 * @example stringifyForTerminal({ id: 'x\u009b2J' }, 2)
 */
export function stringifyForTerminal(value: unknown, indent?: number): string {
  return terminalJson(JSON.stringify(value, null, indent) ?? 'null');
}
