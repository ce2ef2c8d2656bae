import { readFileSync } from 'node:fs';

let version: string | undefined;

/**
 * The tpguard version, from the package.json beside the CLI (the checkout's, or the installed
 * package's: `npm pack` always ships it). Read once, on first use.
 * @example tpguardVersion() // '0.1.0'
 */
export function tpguardVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version?: unknown;
      };
      version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
