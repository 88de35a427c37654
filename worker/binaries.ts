/** The Temporal binaries, provided by scripts/temporal.sh (idempotent: downloads only what is missing). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../platform/paths';

export interface TemporalBinaries {
  cli: string;
  testServer: string;
}

let provided: Promise<TemporalBinaries> | undefined;

/** Runs the provisioning script once per process and returns the paths it printed. */
export function temporalBinaries(): Promise<TemporalBinaries> {
  provided ??= (async () => {
    const { stdout } = await promisify(execFile)('bash', [join(projectRoot(), 'scripts', 'temporal.sh')], {
      maxBuffer: 1 << 20,
    });
    const value = (name: string) => {
      const line = stdout.split('\n').find((l) => l.startsWith(`${name}=`));
      if (!line) throw new Error(`scripts/temporal.sh printed no ${name}`);
      return line.slice(name.length + 1);
    };
    return { cli: value('TEMPORAL_CLI_PATH'), testServer: value('TEMPORAL_TEST_SERVER_PATH') };
  })();
  return provided;
}
