import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

let cached: string | undefined;

/**
 * How the user runs tpguard, for the hints the CLI prints ("Next: npx tpguard drift list"):
 * `tpguard` when a `tpguard` executable is on PATH (a global or packaged install), else
 * `npx tpguard` (a checkout, `npm start`: the package's own bin is not linked anywhere on PATH).
 * @example `see: ${tpguardCommand()} drift list --all`
 */
export function tpguardCommand(path: string | undefined = process.env.PATH): string {
  if (path === process.env.PATH && cached) return cached;
  const names = process.platform === 'win32' ? ['tpguard.cmd', 'tpguard.exe'] : ['tpguard'];
  const found = (path ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) =>
      names.some((n) => {
        try {
          accessSync(join(dir, n), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
    );
  const command = found ? 'tpguard' : 'npx tpguard';
  if (path === process.env.PATH) cached = command;
  return command;
}
