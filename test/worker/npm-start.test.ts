/**
 * `npm start`, as the README gives it: the embedded dev server and the worker come up, Ctrl-C stops both, and a second
 * start finds the same trajecten in the SQLite file.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenancyClient } from '../../client';
import { loadEncryption } from '../../platform/privacy/config';
import { presetCovenants } from '../../machines';
import { actorFor } from '../support/model';
import { freePort, run } from '../support/processes';

test('npm start runs server and worker; after Ctrl-C a second start finds the same traject', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidw-data-'));
  const port = await freePort();
  const env = {
    TIDW_DATA_DIR: dataDir,
    TIDW_DEV_SERVER_PORT: String(port),
    TIDW_UI_PORT: String(await freePort()),
    TIDW_METRICS_PORT: '0',
    TIDW_HTTP_PORT: String(await freePort()),
  };
  const covenant = presetCovenants.almere!;

  const first = run('npm', ['start'], env);
  await first.waitFor('Temporal Web UI: http://localhost:');
  await first.waitFor('"msg":"gateway listening"');
  // The embedded default encrypts: the first start made a key ring in the data directory, and clients use it.
  const keys = () => loadEncryption({}, { dataDir, root: dataDir, embedded: true })!;
  const sdk = await createTenancyClient({ address: `127.0.0.1:${port}`, encryption: keys() });
  await sdk.start({
    clientRef: 'restart-0001',
    region: 'almere',
    origin: 'BW',
    registeredBy: actorFor(covenant, 'zorgaanbieder'),
  });
  await sdk.send('restart-0001', { type: 'INSTEMMING_GEGEVEN' }, actorFor(covenant, 'client'));
  await sdk.close();
  // npm itself ends by the signal, as in a terminal; what counts is that the worker drained before the server went.
  await first.interrupt();
  expect(first.output()).toMatch(/worker stopped[\s\S]*temporal dev server stopped/);

  // The second start keeps fewer trajects in memory, as an operator with many open trajects would.
  const second = run('npm', ['start'], { ...env, TIDW_MAX_CACHED_WORKFLOWS: '50' });
  await second.waitFor('worker running');
  expect(second.output()).toContain('"worker.maxCachedWorkflows":50');
  const again = await createTenancyClient({ address: `127.0.0.1:${port}`, encryption: keys() });
  expect((await again.status('restart-0001')).phase).toBe('urgentie');
  await again.close();
  await second.interrupt();
  expect(second.output()).toMatch(/worker stopped[\s\S]*temporal dev server stopped/);
}, 300_000);

test('a wrong setting stops start-up with the variable and the fix, and exit code 2', async () => {
  const started = run('node', ['dist/worker/main.js'], {
    TIDW_UI_PORT: 'eighty',
    TEMPORAL_ADDRESS: 'no port here',
    TIDW_LOG_LEVEL: 'loud',
    TIDW_MAX_CACHED_WORKFLOWS: '-3',
  });
  const code = await new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  expect(code).toBe(2);
  expect(started.output()).toContain('TIDW_UI_PORT: expected a port number');
  expect(started.output()).toContain('TEMPORAL_ADDRESS: expected host:port, for example localhost:7233');
  expect(started.output()).toContain(
    "TIDW_LOG_LEVEL: expected trace, debug, info, warn, error or silent (got 'loud')",
  );
  expect(started.output()).toContain('TIDW_MAX_CACHED_WORKFLOWS: expected a number of trajects, 0 or more');
});

test('a dev server port already in use stops start-up with a message that names it', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as AddressInfo).port;
  try {
    const started = run('node', ['dist/worker/main.js'], {
      TIDW_DATA_DIR: mkdtempSync(join(tmpdir(), 'tidw-data-')),
      TIDW_DEV_SERVER_PORT: String(port),
      TIDW_METRICS_PORT: '0',
    });
    const code = await new Promise<number | null>((resolve) => started.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(started.output()).toContain(`port ${port} is in use`);
    expect(started.output()).toContain('TIDW_DEV_SERVER_PORT');
  } finally {
    taken.close();
  }
});
