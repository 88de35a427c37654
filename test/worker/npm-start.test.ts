/**
 * `npm start`, as the README gives it: the embedded dev server and the worker come up, Ctrl-C stops both, and a second
 * start finds the same trajecten in the SQLite file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { presetCovenants } from '../../machines';
import { sendEventUpdate, statusQuery, TASK_QUEUE, workflowIdFor } from '../../workflows/messages';
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
  };
  const covenant = presetCovenants.almere!;

  const first = run('npm', ['start'], env);
  await first.waitFor('Temporal Web UI: http://localhost:');
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  const client = new Client({ connection });
  const handle = await client.workflow.start('tenancyWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIdFor('restart-0001'),
    args: [
      {
        aanmelding: {
          trajectRef: 'restart-0001',
          origin: 'BW',
          covenant,
          registeredBy: actorFor(covenant, 'zorgaanbieder'),
        },
      },
    ],
  });
  await handle.executeUpdate(sendEventUpdate, {
    args: [{ event: { type: 'INSTEMMING_GEGEVEN', actor: actorFor(covenant, 'client') } }],
  });
  await connection.close();
  // npm itself ends by the signal, as in a terminal; what counts is that the worker drained before the server went.
  await first.interrupt();
  expect(first.output()).toMatch(/worker stopped[\s\S]*temporal dev server stopped/);

  const second = run('npm', ['start'], env);
  await second.waitFor('worker running');
  const again = await Connection.connect({ address: `127.0.0.1:${port}` });
  const status = await new Client({ connection: again }).workflow
    .getHandle(workflowIdFor('restart-0001'))
    .query(statusQuery);
  expect(status.phase).toBe('urgentie');
  await again.close();
  await second.interrupt();
  expect(second.output()).toMatch(/worker stopped[\s\S]*temporal dev server stopped/);
}, 300_000);

test('a wrong setting stops start-up with the variable and the fix, and exit code 2', async () => {
  const started = run('node', ['dist/worker/main.js'], {
    TIDW_UI_PORT: 'eighty',
    TEMPORAL_ADDRESS: 'no port here',
    TIDW_LOG_LEVEL: 'loud',
  });
  const code = await new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  expect(code).toBe(2);
  expect(started.output()).toContain('TIDW_UI_PORT: expected a port number');
  expect(started.output()).toContain('TEMPORAL_ADDRESS: expected host:port, for example localhost:7233');
  expect(started.output()).toContain(
    "TIDW_LOG_LEVEL: expected trace, debug, info, warn, error or silent (got 'loud')",
  );
});
