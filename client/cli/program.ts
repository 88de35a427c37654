/**
 * `tidw`, the command line for coordinators and operators: one command per task, `--help` on each, `--json` for
 * machine output. Exit codes: 0 done, 2 refused or invalid input (the message says why and what is allowed),
 * 3 the engine is unreachable (server or worker down; nothing changed, try again), 1 anything else.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Command, CommanderError, Option } from 'commander';
import {
  checkCovenant,
  coordinatorEventTypes,
  demoCovenant,
  phases,
  presetCovenants,
  renderDiagram,
  type Covenant,
} from '../../machines';
import { chainToJSON, readHistories, readHistoryFile, writeHistory } from '../audit/history-file';
import { bundleWorkflows, replayHistories } from '../audit/replay';
import { buildTimeline, decoderFor, type Timeline } from '../audit/timeline';
import { timelineHtml } from '../audit/timeline-html';
import { ConfigError } from '../../platform/config';
import { EngineUnavailable, EventRefused, InvalidInput, TidwError, TrajectErased } from '../errors';
import { dataDirFrom, projectRoot } from '../../platform/paths';
import { loadCodecServerSettings, startCodecServer } from '../../platform/privacy/codec-server';
import { loadEncryption, type Encryption } from '../../platform/privacy/config';
import { generateKeyRing, saveKeyRing } from '../../platform/privacy/keyring';
import { checkListFilter, createTenancyClient, type TenancyClient } from '../tenancy-client';
import { parseActor, parseData, parseDate, parsePositive } from './args';
import { addClosingDaysCommand } from './covenant-commands';
import { registerEvaluationCommands } from './evaluation-commands';
import { registerGatewayCommands } from './gateway-commands';
import { registerMigrationCommands } from './migration-commands';
import { formatEvents, formatList, formatStatus, formatTimeline } from './format';

/** Thrown when one or more histories do not replay (exit 1: the code, not the input, is at fault). */
class ReplayFailed extends TidwError {
  readonly code = 'ReplayFailed';
  readonly refused = false;
  constructor(count: number) {
    super(`${count} history(ies) did not replay with the current workflow code`);
  }
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Progress of long commands (stderr as it is: a terminal gets a bar redrawn in place). */
  progress?: { isTTY: boolean; write: (text: string) => void };
  env: Record<string, string | undefined>;
  /** How the SDK is made; tests may point it elsewhere. */
  connect?: (covenants: Covenant[]) => Promise<TenancyClient>;
}

export const EXIT = { ok: 0, failed: 1, refused: 2, unavailable: 3 } as const;

/** Covenant files from TIDW_COVENANTS_DIR (every *.json), validated; a bad one is refused with its fields. */
function extraCovenants(env: CliIo['env']): Covenant[] {
  const dir = env.TIDW_COVENANTS_DIR;
  if (!dir) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => loadCovenant(join(dir, file)));
}

function loadCovenant(path: string): Covenant {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidInput(`cannot read covenant ${path}`, [
      { field: path, message: (err as Error).message },
    ]);
  }
  const result = checkCovenant(data);
  if (!result.ok) throw new InvalidInput(`covenant ${path} is not valid`, result.problems);
  return result.covenant;
}

/** Runs one `tidw` command line; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let json = false;
  let client: TenancyClient | undefined;
  /** The key ring and data keys for commands that read histories without a server (replay, timeline of a file). */
  let local: Encryption | undefined | null = null;
  const localEncryption = (): Encryption | undefined => {
    if (local === null) {
      const root = projectRoot();
      local = loadEncryption(io.env, {
        dataDir: dataDirFrom(io.env), // an absolute TIDW_DATA_DIR stays absolute
        root,
        embedded: !io.env.TEMPORAL_ADDRESS,
      });
    }
    return local;
  };
  const print = (data: unknown, text: () => string) => io.out(json ? JSON.stringify(data, null, 2) : text());
  const connect = async () => {
    client ??= await (io.connect ?? ((covenants) => createTenancyClient({ covenants })))(
      extraCovenants(io.env),
    );
    return client;
  };

  const program = new Command('tidw')
    .description('Thuis in de Wijk: start and follow trajecten, send their events, check covenants.')
    .option('--json', 'print machine-readable JSON')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(add --help for usage)')
    .hook('preAction', (cmd) => {
      json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
    });

  const asOption = () =>
    new Option(
      '--as <actor>',
      'who acts: <role>[:<organisation>[:<personId>]], e.g. zorgaanbieder:Kwintes or client',
    ).makeOptionMandatory();

  program
    .command('start')
    .description('register a client and start its traject (aanmelding)')
    .requiredOption('--client <ref>', "the client's pseudonymous reference (no names or citizen numbers)")
    .requiredOption(
      '--region <covenant>',
      `the covenant: ${[...Object.keys(presetCovenants), demoCovenant.id].join(', ')} or one from TIDW_COVENANTS_DIR`,
    )
    .addOption(
      new Option('--origin <origin>', 'where the client comes from')
        .choices(['BW', 'MO'])
        .makeOptionMandatory(),
    )
    .addOption(asOption())
    .action(async (opts: { client: string; region: string; origin: 'BW' | 'MO'; as: string }) => {
      const sdk = await connect();
      const handle = await sdk.start({
        clientRef: opts.client,
        region: opts.region,
        origin: opts.origin,
        registeredBy: parseActor(opts.as),
      });
      const status = await handle.status();
      print(status, () => `started traject ${opts.client} under ${opts.region}\n${formatStatus(status)}`);
    });

  program
    .command('send')
    .description('send an event to a traject as a role; prints the new status')
    .argument('<ref>', "the client's reference")
    .argument('<event>', `one of: ${coordinatorEventTypes.join(', ')}`)
    .option('--data <json>', "the event's data as a JSON object")
    .option('--key <idempotency-key>', 'makes a retried send safe: the same key is taken once')
    .addOption(asOption())
    .action(async (ref: string, event: string, opts: { data?: string; key?: string; as: string }) => {
      const actor = parseActor(opts.as);
      const data = parseData(opts.data);
      const sdk = await connect();
      const status = await sdk.send(
        ref,
        { type: event as never, ...(data ? { data } : {}) },
        actor,
        opts.key ? { idempotencyKey: opts.key } : {},
      );
      print(status, () => formatStatus(status));
    });

  program
    .command('status')
    .description("a traject's public status: phase, deadlines, meetings, escalations")
    .argument('<ref>', "the client's reference")
    .action(async (ref: string) => {
      const status = await (await connect()).status(ref);
      print(status, () => formatStatus(status));
    });

  program
    .command('events')
    .description("a traject's event log: time, event, actor role and organisation")
    .argument('<ref>', "the client's reference")
    .action(async (ref: string) => {
      const log = await (await connect()).events(ref);
      print(log, () => formatEvents(log));
    });

  program
    .command('list')
    .description('trajecten matching a filter')
    .addOption(new Option('--phase <phase>', 'only this public phase').choices([...phases]))
    .option('--region <covenant>', 'only this covenant')
    .addOption(
      new Option('--form <form>', 'only this contract form').choices([
        'omklapcontract',
        'driepartijenovereenkomst',
      ]),
    )
    .option('--escalated', 'only trajecten with an open escalation')
    .option('--meeting-before <date>', 'only trajecten whose next meeting is due before this date')
    .option('--limit <n>', 'at most this many (default 100)')
    .option('--page <token>', 'the next page, as a previous list printed it')
    .action(
      async (opts: {
        phase?: string;
        region?: string;
        form?: string;
        escalated?: boolean;
        meetingBefore?: string;
        limit?: string;
        page?: string;
      }) => {
        const filter = {
          ...(opts.phase ? { phase: opts.phase as never } : {}),
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.form ? { contractForm: opts.form as never } : {}),
          ...(opts.escalated ? { escalated: true } : {}),
          ...(opts.meetingBefore ? { meetingBefore: parseDate(opts.meetingBefore, '--meeting-before') } : {}),
          ...(opts.limit ? { pageSize: parsePositive(opts.limit, '--limit') } : {}),
          ...(opts.page ? { nextPageToken: opts.page } : {}),
        };
        checkListFilter(filter); // before connecting: a wrong --page is the caller's, whatever the server's state
        const page = await (await connect()).list(filter);
        print(
          page,
          () => formatList(page.items) + (page.nextPageToken ? `\nmore: --page ${page.nextPageToken}` : ''),
        );
      },
    );

  program
    .command('withdraw')
    .description("withdraw a client's consent (INGETROKKEN), possible until the lease is converted")
    .argument('<ref>', "the client's reference")
    .addOption(
      new Option('--reason <reason>', 'why')
        .choices(['client', 'verhuisd', 'zorgaanbieder', 'overig'])
        .makeOptionMandatory(),
    )
    .addOption(asOption())
    .action(
      async (
        ref: string,
        opts: { reason: 'client' | 'verhuisd' | 'zorgaanbieder' | 'overig'; as: string },
      ) => {
        const status = await (await connect()).withdraw(ref, parseActor(opts.as), { reason: opts.reason });
        print(status, () => formatStatus(status));
      },
    );

  program
    .command('diagram')
    .description('the traject machine as a Mermaid state diagram')
    .option('--covenant <id-or-file>', "label the timers with a covenant's terms")
    .action((opts: { covenant?: string }) => {
      let covenant: Covenant | undefined;
      if (opts.covenant) {
        covenant =
          presetCovenants[opts.covenant] ?? (opts.covenant === demoCovenant.id ? demoCovenant : undefined);
        covenant ??= opts.covenant.endsWith('.json') ? loadCovenant(opts.covenant) : undefined;
        if (!covenant) {
          throw new InvalidInput(`unknown covenant ${opts.covenant}`, [
            {
              field: '--covenant',
              message: `a preset (${Object.keys(presetCovenants).join(', ')}, demo) or a .json file`,
            },
          ]);
        }
      }
      const diagram = renderDiagram(covenant);
      print({ mermaid: diagram }, () => diagram.trimEnd());
    });

  program
    .command('history')
    .description(
      "export a traject's whole history (every run through continue-as-new) in Temporal's JSON format",
    )
    .argument('<ref>', "the client's reference")
    .option(
      '--out <file.json|dir>',
      'a .json file holds the whole chain; a directory gets one standard file per run',
    )
    .action(async (ref: string, opts: { out?: string }) => {
      const chain = await (await connect()).history(ref);
      if (!opts.out) {
        io.out(chainToJSON(chain).trimEnd());
        return;
      }
      const files = writeHistory(chain, opts.out);
      print(
        { workflowId: chain.workflowId, runs: chain.runs.length, files },
        () => `${chain.runs.length} run(s) of ${chain.workflowId} written to ${files.join(', ')}`,
      );
    });

  program
    .command('replay')
    .description(
      'replay recorded histories with the current workflow code; exit 0 only when every one replays',
    )
    .argument('<paths...>', 'history files (a chain or standard runs) and directories of them')
    .action(async (paths: string[]) => {
      const chains = readHistories(paths);
      const bundling = Date.now();
      const workflowBundle = await bundleWorkflows();
      const started = Date.now();
      const codec = localEncryption()?.codec;
      const outcomes = await replayHistories(chains, {
        workflowBundle,
        ...(codec ? { codec } : {}),
        onResult: (o, done, total) => {
          if (total > 1) io.err(`replayed ${done}/${total}`);
        },
      });
      const seconds = (Date.now() - started) / 1000;
      const rate = outcomes.length / Math.max(seconds, 0.001);
      print({ outcomes, seconds, historiesPerSecond: rate, bundleSeconds: (started - bundling) / 1000 }, () =>
        [
          ...outcomes.map((o) =>
            o.ok
              ? `OK      ${o.workflowId} run ${o.runId} (${o.events} events)`
              : `FAILED  ${o.workflowId} run ${o.runId}: ${o.error}`,
          ),
          `${outcomes.filter((o) => o.ok).length}/${outcomes.length} histories replay with the current workflow code (${seconds.toFixed(1)} s, ${rate.toFixed(1)} histories/s)`,
        ].join('\n'),
      );
      if (outcomes.some((o) => !o.ok)) throw new ReplayFailed(outcomes.filter((o) => !o.ok).length);
    });

  program
    .command('timeline')
    .description(
      'a traject as a timeline rebuilt from its history: phases, events, who, timers, invitations, escalations',
    )
    .argument('<ref-or-file>', "a client's reference, or a history file (.json)")
    .addOption(
      new Option('--format <format>', 'text, or a self-contained HTML page with a swimlane')
        .choices(['text', 'html'])
        .default('text'),
    )
    .option('--out <file>', 'write to this file instead of printing')
    .action(async (target: string, opts: { format: 'text' | 'html'; out?: string }) => {
      let timeline: Timeline;
      if (target.endsWith('.json')) {
        const chain = readHistoryFile(target);
        const encryption = localEncryption();
        const state = encryption?.dataKeys.state(chain.workflowId);
        if (state?.state === 'erased')
          throw new TrajectErased(chain.workflowId.replace(/^traject-/, ''), state.erasedAt);
        timeline = await buildTimeline(chain, decoderFor(encryption?.codec));
      } else {
        timeline = await (await connect()).timeline(target);
      }
      const text = json
        ? JSON.stringify(timeline, null, 2)
        : opts.format === 'html'
          ? timelineHtml(timeline)
          : formatTimeline(timeline);
      if (opts.out) {
        writeFileSync(opts.out, text);
        io.out(`timeline of ${timeline.trajectRef} written to ${opts.out}`);
      } else {
        io.out(text.trimEnd());
      }
    });

  program
    .command('erase')
    .description(
      'erase a traject on request (GDPR art. 17): destroy its data key, close it; only event types and times remain',
    )
    .argument('<ref>', "the client's reference")
    .addOption(asOption())
    .action(async (ref: string, opts: { as: string }) => {
      const result = await (await connect()).erase(ref, parseActor(opts.as));
      print(
        result,
        () =>
          `traject ${ref} erased on ${result.erasedAt}: its data key is destroyed, its payloads can no longer be read`,
      );
    });

  program
    .command('export')
    .description(
      'everything the engine holds about one client, decrypted, as JSON (GDPR art. 15, right of access)',
    )
    .argument('<ref>', "the client's reference")
    .option('--out <file>', 'write to this file instead of printing')
    .action(async (ref: string, opts: { out?: string }) => {
      const data = JSON.stringify(await (await connect()).export(ref), null, 2);
      if (opts.out) {
        writeFileSync(opts.out, `${data}\n`, { mode: 0o600 });
        io.out(`what the engine holds about ${ref} is written to ${opts.out}`);
      } else io.out(data);
    });

  const keys = program.command('keys').description("the key ring that protects every traject's data key");
  keys
    .command('generate')
    .description('write a new key ring file with one key (readable by its owner only)')
    .requiredOption('--out <file>', 'where to write it')
    .action((opts: { out: string }) => {
      if (existsSync(opts.out))
        throw new InvalidInput(`${opts.out} exists`, [
          { field: '--out', message: 'a key ring is never overwritten; rotate it instead' },
        ]);
      const ring = generateKeyRing();
      saveKeyRing(opts.out, ring);
      print(
        { file: opts.out, keys: ring.ids },
        () => `key ring ${opts.out} written with key ${ring.newest.id}; keep it secret and back it up`,
      );
    });
  keys
    .command('rotate')
    .description(
      'add a new newest key to the key ring file and re-wrap every data key with it; older keys still decrypt',
    )
    .action(() => {
      const encryption = localEncryption();
      if (!encryption)
        throw new InvalidInput('no key ring configured', [
          { field: 'TIDW_KEYRING_FILE', message: 'name the key ring file to rotate' },
        ]);
      if (encryption.keyringSource === 'TIDW_KEYRING') {
        throw new InvalidInput('cannot rotate an inline key ring', [
          { field: 'TIDW_KEYRING', message: 'rotate the secret where it is kept, or use TIDW_KEYRING_FILE' },
        ]);
      }
      const ring = encryption.keyring.withNewKey();
      saveKeyRing(encryption.keyringSource, ring);
      const rewrapped = encryption.dataKeys.rewrapAll(ring);
      print(
        { keyring: encryption.keyringSource, newest: ring.newest.id, keys: ring.ids, rewrapped },
        () =>
          `new key ${ring.newest.id} in ${encryption.keyringSource}; ${rewrapped} data key(s) re-wrapped with it. Restart workers and clients to use it.`,
      );
    });

  program
    .command('codec-server')
    .description('serve /encode and /decode for the Temporal Web UI: authorised roles see decrypted payloads')
    .option('--port <port>', 'listen here (default TIDW_CODEC_PORT or 8888)')
    .action(async (opts: { port?: string }) => {
      const settings = loadCodecServerSettings(io.env);
      if (!settings)
        throw new InvalidInput('no codec tokens configured', [
          { field: 'TIDW_CODEC_TOKENS', message: '{"<token>": {"role": "auditor"}}' },
        ]);
      const encryption = localEncryption();
      if (!encryption)
        throw new InvalidInput('no key ring configured', [
          { field: 'TIDW_KEYRING_FILE', message: 'the codec server decrypts with it' },
        ]);
      const server = await startCodecServer({
        ...settings,
        ...(opts.port ? { port: parsePositivePort(opts.port) } : {}),
        codec: encryption.codec,
        logger: createCliLogger(),
      });
      io.out(
        `codec server on ${server.url} for the Web UI at ${settings.origin}; readers: ${settings.readers.join(', ')}`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });

  registerGatewayCommands(program, io, print);

  const covenant = program.command('covenant').description('work with covenant files');
  covenant
    .command('check')
    .description('validate a covenant file and print what is wrong, field by field')
    .argument('<file>', 'a covenant as JSON')
    .action((file: string) => {
      const result = checkCovenant(JSON.parse(readCovenantText(file)));
      if (!result.ok) throw new InvalidInput(`covenant ${file} is not valid`, result.problems);
      print(
        { ok: true, id: result.covenant.id },
        () => `covenant ${file} is valid (id ${result.covenant.id})`,
      );
    });
  addClosingDaysCommand(covenant, print);

  registerEvaluationCommands(program, io);
  registerMigrationCommands(program, {
    print,
    connect,
    json: () => json,
    progress: io.progress ?? { isTTY: false, write: (text) => io.err(text.replace(/\n$/, '')) },
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return report(err, io, json);
  } finally {
    await client?.close();
  }
}

function parsePositivePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidInput('invalid --port', [{ field: '--port', message: 'expected 1 to 65535' }]);
  return n;
}

/** Structured logs for long-running commands (the codec server), on stderr. */
function createCliLogger() {
  return pino(
    { level: process.env.TIDW_LOG_LEVEL ?? 'info', base: { service: 'tidw' } },
    pino.destination(2),
  );
}

function readCovenantText(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    JSON.parse(text);
    return text;
  } catch (err) {
    throw new InvalidInput(`cannot read covenant ${file}`, [
      { field: file, message: (err as Error).message },
    ]);
  }
}

/** Says what went wrong, in words (or JSON), and picks the exit code. */
function report(err: unknown, io: CliIo, json: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has printed its message (usage errors, --help, --version) already.
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.help' ||
      err.code === 'commander.version'
    )
      return EXIT.ok;
    return EXIT.refused;
  }
  if (err instanceof ConfigError) {
    if (json)
      io.out(
        JSON.stringify({ error: { code: 'ConfigError', message: err.message, problems: err.problems } }),
      );
    else io.err(err.message);
    return EXIT.refused;
  }
  if (err instanceof TidwError) {
    if (json) {
      const details =
        err instanceof EventRefused
          ? { rule: err.rule, phase: err.phase, allowed: err.allowed, issues: err.issues }
          : {};
      const problems = err instanceof InvalidInput ? { problems: err.problems } : {};
      const down = err instanceof EngineUnavailable ? { down: err.down, where: err.where } : {};
      io.out(
        JSON.stringify(
          { error: { code: err.code, message: err.message, ...details, ...problems, ...down } },
          null,
          2,
        ),
      );
    } else if (err instanceof EventRefused) {
      io.err(`tidw: refused (${err.code}, rule ${err.rule}): ${err.message}`);
      if (err.allowed?.length && !err.message.includes(err.allowed.join(', ')))
        io.err(`allowed: ${err.allowed.join(', ')}`);
    } else {
      io.err(`tidw: ${err.message}`);
    }
    if (err instanceof EngineUnavailable) return EXIT.unavailable;
    return err.refused ? EXIT.refused : EXIT.failed;
  }
  // Not one of ours: its message only, never a stack trace; as an error object under --json.
  const message = err instanceof Error ? err.message : String(err);
  if (json) io.out(JSON.stringify({ error: { code: 'Failed', message } }, null, 2));
  else io.err(`tidw: ${message}`);
  return EXIT.failed;
}
