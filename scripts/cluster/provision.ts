/** The cluster's binaries, provided by scripts/cluster.sh (pinned, idempotent, cached in .temporal/cluster/). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../platform/paths';

export interface ClusterBinaries {
  /** go.temporal.io/server/cmd/server */
  server: string;
  /** go.temporal.io/server/cmd/tools/sql */
  sqlTool: string;
  /** The server module's schema/postgresql/v12 (temporal/ and visibility/). */
  schemaDir: string;
  /** PostgreSQL's bin directory (initdb, postgres, pg_isready). */
  postgresBinDir: string;
}

/** Thrown when scripts/cluster.sh could not provide a binary; its message is the script's own explanation. */
export class ProvisioningFailed extends Error {
  override readonly name = 'ProvisioningFailed';
}

let provided: Promise<ClusterBinaries> | undefined;

/** Runs the provisioning script once per process and returns the paths it printed. */
export function clusterBinaries(): Promise<ClusterBinaries> {
  provided ??= (async () => {
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('bash', [join(projectRoot(), 'scripts', 'cluster.sh')], {
        maxBuffer: 1 << 20,
        timeout: 30 * 60_000,
      }));
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new ProvisioningFailed(`scripts/cluster.sh failed:\n${stderr.trim()}`);
    }
    const value = (name: string) => {
      const line = stdout.split('\n').find((l) => l.startsWith(`${name}=`));
      if (!line) throw new ProvisioningFailed(`scripts/cluster.sh printed no ${name}`);
      return line.slice(name.length + 1);
    };
    return {
      server: value('TEMPORAL_SERVER_PATH'),
      sqlTool: value('TEMPORAL_SQL_TOOL_PATH'),
      schemaDir: value('TEMPORAL_SCHEMA_DIR'),
      postgresBinDir: value('POSTGRES_BIN_DIR'),
    };
  })();
  return provided;
}
