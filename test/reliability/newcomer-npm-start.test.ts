/**
 * A newcomer's first `npm start`, and what happens when its two processes are killed (issue 16, items 1, 2 and 11).
 *
 * The first test runs the README's literal command in a fresh copy of the project: the working tree's files as a
 * clone has them (no dist/, no .data/), with node_modules and the provisioned .temporal/ linked in, as `npm ci` and
 * scripts/temporal.sh would leave them. Only the ports are chosen, so that the test does not collide with anything.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTenancyClient } from '../../client';
import { presetCovenants } from '../../machines';
import { loadEncryption } from '../../platform/privacy/config';
import { actorFor } from '../support/model';
import { freePort, root } from '../support/processes';
import { gone, isAlive, killQuietly, npmStart, serverPid } from './npm-start-process';

const almere = presetCovenants.almere!;

/** A copy of the project as `git clone` gives it (tracked and new files, nothing ignored), ready after `npm ci`. */
function freshCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'tidw-clone-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file));
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  symlinkSync(join(root, '.temporal'), join(copy, '.temporal'));
  return copy;
}

/** Whether something accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('a fresh clone: npm start makes a private .data/, serves, keeps metrics local, and stops on one Ctrl-C', async () => {
  const copy = freshCopy();
  const dataDir = join(copy, '.data');
  expect(existsSync(dataDir)).toBe(false);
  const port = await freePort();
  const metricsPort = await freePort();
  const started = npmStart(
    {
      TIDW_DEV_SERVER_PORT: String(port),
      TIDW_UI_PORT: String(await freePort()),
      TIDW_METRICS_PORT: String(metricsPort),
    },
    copy,
  );
  try {
    await started.waitFor('worker running', 180_000);
    expect(started.output()).not.toContain('ENOENT');

    // Item 11: what the engine keeps is its owner's alone, and its metrics are for this machine.
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, 'keyring.json'))).toBe('600');
    expect(mode(join(dataDir, 'temporal.db'))).toBe('600');
    expect(await accepts('127.0.0.1', metricsPort)).toBe(true);
    expect(await accepts('127.0.0.2', metricsPort)).toBe(false); // 0.0.0.0 would take this one too

    // The engine works: a traject starts and takes an event, encrypted with the key ring the first start made.
    const sdk = await createTenancyClient({
      address: `127.0.0.1:${port}`,
      encryption: loadEncryption({}, { dataDir, root: copy, embedded: true })!,
    });
    await sdk.start({
      clientRef: 'nieuw-0001',
      region: 'almere',
      origin: 'BW',
      registeredBy: actorFor(almere, 'zorgaanbieder'),
    });
    expect(
      (await sdk.send('nieuw-0001', { type: 'INSTEMMING_GEGEVEN' }, actorFor(almere, 'client'))).phase,
    ).toBe('urgentie');
    await sdk.close();

    const server = serverPid(dataDir);
    const worker = started.workerPid();
    const interrupted = Date.now();
    started.interrupt();
    await started.exited;
    await gone(worker);
    await gone(server);
    expect(Date.now() - interrupted).toBeLessThan(15_000);
    expect(started.output()).toMatch(/worker stopped[\s\S]*temporal dev server stopped/);
  } finally {
    started.interrupt();
    rmSync(copy, { recursive: true, force: true });
  }
}, 300_000);

test('killing the worker or the dev server leaves the other restartable, and one SIGTERM ends npm start', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'tidw-')), 'data'); // does not exist yet
  const port = await freePort();
  const env = {
    TIDW_DATA_DIR: dataDir,
    TIDW_DEV_SERVER_PORT: String(port),
    TIDW_UI_PORT: String(await freePort()),
    TIDW_METRICS_PORT: '0',
  };
  const keys = () => loadEncryption({}, { dataDir, root: dataDir, embedded: true })!;
  const pids: number[] = [];
  try {
    // 1. The worker is killed: its dev server goes on (no pipe to die of), and the next start reuses it.
    const first = npmStart(env);
    await first.waitFor('worker running');
    const sdk = await createTenancyClient({ address: `127.0.0.1:${port}`, encryption: keys() });
    await sdk.start({
      clientRef: 'herstart-0001',
      region: 'almere',
      origin: 'MO',
      registeredBy: actorFor(almere, 'zorgaanbieder'),
    });
    await sdk.close();
    const server = serverPid(dataDir);
    pids.push(server);
    process.kill(first.workerPid(), 'SIGKILL');
    await first.exited;
    await new Promise((r) => setTimeout(r, 3000));
    expect(isAlive(server)).toBe(true);

    const second = npmStart(env);
    await second.waitFor('worker running');
    expect(second.output()).toContain('temporal dev server of an earlier start still runs; reusing it');
    expect(second.output()).not.toContain('is in use');
    const again = await createTenancyClient({ address: `127.0.0.1:${port}`, encryption: keys() });
    expect((await again.status('herstart-0001')).phase).toBe('aanmelding');
    await again.close();

    // 2. The dev server is killed: the worker says so once, as one structured line, without a stack trace.
    const worker = second.workerPid();
    pids.push(worker);
    const before = second.output().length;
    process.kill(server, 'SIGKILL');
    await second.waitFor('temporal server unreachable', 15_000, before);
    await new Promise((r) => setTimeout(r, 6000));
    const outage = second.output().slice(before);
    expect(outage.match(/temporal server unreachable/g)).toHaveLength(1);
    const said = outage.split('\n').find((l) => l.includes('temporal server unreachable'))!;
    expect(JSON.parse(said)).toMatchObject({ level: 50, 'temporal.address': `127.0.0.1:${port}` });
    expect(outage).not.toMatch(/\n\s+at |retried \d+ times/);

    // 3. One SIGTERM to npm (not its group) ends it within seconds, the worker included.
    const terminated = Date.now();
    process.kill(second.pid, 'SIGTERM');
    await second.exited;
    await gone(worker, 15_000);
    const seconds = (Date.now() - terminated) / 1000;
    expect(seconds).toBeLessThan(10);

    // 4. And the next start brings up a new server on the same database: the traject is still there.
    const third = npmStart(env);
    await third.waitFor('worker running');
    const newServer = serverPid(dataDir);
    pids.push(newServer, third.workerPid());
    const last = await createTenancyClient({ address: `127.0.0.1:${port}`, encryption: keys() });
    expect((await last.status('herstart-0001')).phase).toBe('aanmelding');
    await last.close();
    third.interrupt();
    await third.exited;
    await gone(newServer);
  } finally {
    killQuietly(...pids);
  }
}, 300_000);
