/** Running `tidw` in this process, against a test server, with what it printed and its exit code. */
import { runCli, type CliIo } from '../../client/cli/program';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** A `tidw` that connects with `connect` and sees `env` as its environment. */
export function tidwWith(
  connect: CliIo['connect'] | undefined,
  env: Record<string, string | undefined> = {},
) {
  return async (...argv: string[]): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env,
      ...(connect ? { connect } : {}),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
