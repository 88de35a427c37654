/**
 * The fault drill of issue 16, on the embedded default: `npm start` (built dist, free ports, a fresh data directory),
 * the SDK sending the demo traject's events in a loop, the worker SIGKILLed mid-stream, later the dev server
 * SIGKILLed, `npm start` started again each time. Afterwards every event the SDK saw accepted is in its traject's
 * event log exactly once, every timer that fell due during an outage fired once, and every send that failed said so
 * with a typed error (a retry with the same idempotency key then took it once).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenancyClient, type TidwError, type TenancyClient } from '../../client';
import { demoCovenant } from '../../machines';
import { loadEncryption } from '../../platform/privacy/config';
import { actorFor } from '../support/model';
import { freePort } from '../support/processes';
import { demoSteps, gone, killQuietly, npmStart, serverPid, type NpmStart } from './npm-start-process';

const TRAJECTS = ['drill-1', 'drill-2', 'drill-3', 'drill-4'];

test('worker and server killed mid-stream: every accepted event once, every due timer once, failures typed', async () => {
  const began = Date.now();
  const dataDir = join(mkdtempSync(join(tmpdir(), 'tidw-drill-')), 'data');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const env = {
    TIDW_DATA_DIR: dataDir,
    TIDW_DEV_SERVER_PORT: String(port),
    TIDW_UI_PORT: String(await freePort()),
    TIDW_METRICS_PORT: '0',
  };
  const pids: number[] = [];
  /** Seconds since the start at each phase, printed at the end: where the drill's time goes. */
  const phases: string[] = [];
  const mark = (phase: string) => phases.push(`${phase} ${((Date.now() - began) / 1000).toFixed(1)} s`);
  const started = async (): Promise<NpmStart> => {
    const npm = npmStart(env);
    await npm.waitFor('worker running');
    pids.push(npm.workerPid(), serverPid(dataDir));
    return npm;
  };
  const connect = () =>
    createTenancyClient({
      address,
      encryption: loadEncryption({}, { dataDir, root: dataDir, embedded: true })!,
    });

  try {
    const first = await started();
    mark('first npm start ready');
    let sdk: TenancyClient = await connect();
    for (const ref of TRAJECTS)
      await sdk.start({
        clientRef: ref,
        region: 'demo',
        origin: 'MO',
        registeredBy: actorFor(demoCovenant, 'zorgaanbieder'),
      });

    // The loop: each step with an idempotency key; a failure is recorded, the client made anew, the step retried.
    const accepted: Array<{ ref: string; type: string; at: number }> = [];
    const failures: unknown[] = [];
    const outages: Array<{ from: number; to?: number }> = [];
    const sending = (async () => {
      for (const ref of TRAJECTS) {
        for (const [i, step] of demoSteps.entries()) {
          for (;;) {
            try {
              await sdk.send(
                ref,
                { type: step.type, ...('data' in step ? { data: step.data } : {}) },
                actorFor(demoCovenant, step.as),
                { idempotencyKey: `${ref}:${i}` },
              );
              accepted.push({ ref, type: step.type, at: Date.now() });
              break;
            } catch (err) {
              failures.push(err);
              if (failures.length > 200) throw err;
              await new Promise((r) => setTimeout(r, 500));
              // A fresh client once the server answers again, as a new tidw command would be.
              const fresh = await connect().catch(() => undefined);
              if (fresh) {
                await sdk.close().catch(() => undefined);
                sdk = fresh;
              }
            }
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      }
    })();
    // An outage lasts until the kennismakingsgesprek timer of the last signed contract fell due (10 s after it), so
    // that a timer falls due while the engine is down however fast the machine restarts it.
    const pastLastTimer = async () => {
      const signed = accepted.filter((a) => a.type === 'CONTRACT_GETEKEND').at(-1);
      const wait = signed ? signed.at + 10_000 + 500 - Date.now() : 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    };
    const acceptedAtLeast = async (n: number) => {
      while (accepted.length < n) await new Promise((r) => setTimeout(r, 50));
    };

    // 1. The worker dies with drill-1 signed (its kennismakingsgesprek due in 10 s) and drill-2 under way.
    await acceptedAtLeast(9);
    outages.push({ from: Date.now() });
    process.kill(first.workerPid(), 'SIGKILL');
    await first.exited;
    mark('worker killed');
    await pastLastTimer();
    const second = await started(); // reuses the server the killed worker left running
    mark('second npm start ready');
    outages[0]!.to = Date.now();
    expect(second.output()).toContain('reusing it');

    // 2. The server dies with drill-3 just signed; drill-4's sends fail meanwhile.
    await acceptedAtLeast(21);
    outages.push({ from: Date.now() });
    process.kill(serverPid(dataDir), 'SIGKILL');
    mark('server killed');
    await second.waitFor('temporal server unreachable', 15_000);
    mark('worker said so');
    // While the server is down the SDK says so, typed, whether or not the stream's own sends happen to meet it.
    const probe = await sdk.status(TRAJECTS[0]!).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(probe).toMatchObject({ code: 'EngineUnavailable' });
    failures.push(probe);
    process.kill(second.pid, 'SIGTERM');
    await second.exited;
    mark('second npm start stopped');
    await pastLastTimer();
    const third = await started();
    mark('third npm start ready');
    outages[1]!.to = Date.now();

    await sending;
    mark('all sends accepted');
    // Wait for the timers: each traject's kennismakingsgesprek was due 10 s after its contract.
    const timerFired = async (ref: string) =>
      (await sdk.events(ref)).filter((e) => e.source === 'timer' && e.type === 'KENNISMAKING_TERMIJN');
    for (const ref of TRAJECTS) {
      const deadline = Date.now() + 30_000;
      while ((await timerFired(ref)).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 2000)); // a duplicate would show by now
    mark('timers fired');

    // Every accepted event exactly once.
    expect(accepted).toHaveLength(TRAJECTS.length * demoSteps.length);
    for (const ref of TRAJECTS) {
      const log = await sdk.events(ref);
      const sent = log.filter((e) => e.source === 'update').map((e) => e.type);
      expect(sent).toEqual(demoSteps.map((s) => s.type));
      expect(await timerFired(ref)).toHaveLength(1);
    }
    // The drill did what it says: timers fell due during each outage (10 s after a signed contract).
    const dueAt = accepted.filter((a) => a.type === 'CONTRACT_GETEKEND').map((a) => a.at + 10_000);
    for (const outage of outages) expect(dueAt.some((t) => t > outage.from && t < outage.to!)).toBe(true);
    // Failed sends (and the probe) were reported with a clear typed error, saying the server was down.
    const described = failures.map((f) => {
      const e = f as {
        name?: string;
        message?: string;
        code?: unknown;
        cause?: { code?: unknown; message?: string };
      };
      return `${e.name} ${String(e.code)}: ${e.message} (cause ${String(e.cause?.code)} ${e.cause?.message})`;
    });
    expect(described.filter((d) => !d.startsWith('EngineUnavailable EngineUnavailable'))).toEqual([]);
    for (const failure of failures)
      expect((failure as TidwError).message).toContain(`the Temporal server at ${address} does not answer`);

    await sdk.close();
    const worker = third.workerPid();
    third.interrupt();
    await third.exited;
    await gone(worker);
    console.log(
      `fault drill: ${accepted.length} events accepted, ${failures.length} sends failed (EngineUnavailable), ` +
        `outages ${outages.map((o) => `${((o.to! - o.from) / 1000).toFixed(1)} s`).join(' and ')}, ` +
        `${((Date.now() - began) / 1000).toFixed(0)} s in all; ${phases.join(', ')}`,
    );
  } finally {
    killQuietly(...pids);
  }
}, 240_000);
