#!/usr/bin/env node
// The npm registry these machines reach serves only the Linux builds of platform-specific optional packages (the
// darwin, win32, android … builds of @swc/core and friends answer 404). `npm install` then leaves those packages out
// of package-lock.json, and `npm ci` refuses the lockfile as out of sync. This adds an entry for each missing
// optional platform package, tagged with the os and cpu its name says, so that `npm ci` validates the lockfile and
// skips them on this platform, as it would anywhere. Run it after `npm install` changes dependencies.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const oses = [
  'darwin',
  'win32',
  'linux',
  'android',
  'freebsd',
  'openharmony',
  'sunos',
  'aix',
  'netbsd',
  'openbsd',
];
const cpus = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

const present = new Set(Object.keys(lock.packages).map((path) => path.replace(/^.*node_modules\//, '')));
const added = [];
const unknown = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (present.has(name)) continue;
    const tokens = name.split('/').pop().split('-');
    const os = oses.find((o) => tokens.includes(o));
    const cpu = cpus.find((c) => tokens.includes(c));
    if (!os || !cpu || !/^\d+\.\d+\.\d+/.test(spec)) {
      unknown.push(`${name}@${spec} (optional dependency of ${path || 'the project'})`);
      continue;
    }
    const libc =
      os === 'linux'
        ? tokens.some((t) => t.startsWith('musl'))
          ? ['musl']
          : tokens.some((t) => t.startsWith('gnu'))
            ? ['glibc']
            : undefined
        : undefined;
    lock.packages[`node_modules/${name}`] = {
      version: spec,
      cpu: [cpu],
      os: [os],
      ...(libc ? { libc } : {}),
      optional: true,
    };
    present.add(name);
    added.push(name);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  `complete-lockfile: added ${added.length} platform entries${added.length ? `: ${added.join(', ')}` : ''}`,
);
if (unknown.length)
  console.log(`complete-lockfile: left alone (no platform in the name): ${unknown.join('; ')}`);
