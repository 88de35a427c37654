#!/usr/bin/env node
/** The `tidw` executable. */
import { runCli } from './program';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  progress: { isTTY: Boolean(process.stderr.isTTY), write: (text) => process.stderr.write(text) },
  env: process.env,
}).then(
  (code) => exitWith(code),
  (err: unknown) => {
    console.error(err);
    exitWith(1);
  },
);

/**
 * Ends with the documented exit code once the output is flushed: a connection that closes late (a query abandoned at
 * its deadline) must neither keep the process alive nor turn the code into another with a late rejection.
 */
function exitWith(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
