import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** The project's root: the nearest folder above this file with a package.json (works from source and from dist/). */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * Makes a directory that holds what the engine keeps (the key ring, data keys, the SQLite file), readable by its owner
 * only: made with 0700 when missing, tightened to 0700 when it was made looser (by an older version, or by hand).
 */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/** The engine's data directory (TIDW_DATA_DIR, default `.data`), absolute; a relative one is under the project root. */
export function dataDirFrom(env: Record<string, string | undefined>): string {
  const dir = env.TIDW_DATA_DIR || '.data';
  return isAbsolute(dir) ? dir : join(projectRoot(), dir);
}
