/**
 * Colour for terminals, by severity: on when stdout is a terminal, off when it is piped, with
 * `NO_COLOR` set (https://no-color.org), `TERM=dumb`, or `--no-color`; `FORCE_COLOR` (not `0`)
 * turns it on in a pipe, as in Node and most CLIs.
 */

/** The parts of a stream and an environment that decide. */
export interface ColorContext {
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
  /** `--no-color` gives false; absent or true leaves the decision to the rest. */
  flag?: boolean;
}

/**
 * @example colorEnabled({ isTTY: process.stdout.isTTY, env: process.env, flag: opts.color })
 */
export function colorEnabled({ isTTY, env = {}, flag }: ColorContext): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY === true && env.TERM !== 'dumb';
}

const SGR: Readonly<Record<string, string>> = Object.freeze({
  critical: '\u001b[1;31m', // bold red
  high: '\u001b[31m', // red
  medium: '\u001b[33m', // yellow
  low: '\u001b[36m', // cyan
  informational: '\u001b[2m', // dim
});
const RESET = '\u001b[0m';

/**
 * `text` in the colour of `severity` (unchanged for anything else). Only our own severity
 * names choose a colour; the text itself is already sanitized by whoever built it.
 * @example paintSeverity('high', 'high    ') // '\u001b[31mhigh    \u001b[0m'
 */
export function paintSeverity(severity: string, text: string): string {
  const sgr = Object.hasOwn(SGR, severity) ? SGR[severity] : undefined;
  return sgr ? `${sgr}${text}${RESET}` : text;
}
