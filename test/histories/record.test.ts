/**
 * Re-records the golden histories in test/histories/ (npm run histories:record). Skipped in the normal test run: the
 * golden files are what today's code must keep replaying. Re-record only when a change is meant to break running
 * trajecten (see the README, "Changing the workflow safely").
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fetchHistoryChain } from '../../client/history';
import { writeHistory } from '../../client/audit/history-file';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { goldenCases, goldenDir } from '../support/golden';
import { encryptingClient, goldenEncryption, testKeysDir } from '../support/keys';
import { recordingActivities, startWorker, timeSkippingEnvironment } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

const recording = process.env.TIDW_RECORD_HISTORIES === '1';

(recording ? test : test.skip)('record the golden histories', async () => {
  // Encrypted, as every traject's history is: with the test key ring in test/keys, whose data keys stay beside it.
  rmSync(join(testKeysDir, 'data-keys'), { recursive: true, force: true });
  const encryption = goldenEncryption();
  const env = await timeSkippingEnvironment();
  const activities = recordingActivities();
  const worker = await startWorker(env, await bundleTenancyWorkflows(), activities.activities, { payloadCodecs: [encryption.codec] });
  const client = encryptingClient(env, encryption);
  try {
    for (const [i, { file, scenario, historyLimit }] of goldenCases.entries()) {
      const driver = await TrajectDriver.start(env, scenario.covenant, `golden-${i + 1}`, activities.calls, { client, ...(historyLimit ? { historyLimit } : {}) });
      await driver.runScenario(scenario);
      await driver.settle();
      const chain = await fetchHistoryChain(client, driver.workflowId);
      writeHistory({ workflowId: driver.workflowId, runs: chain }, join(goldenDir, file));
      console.log(`${file}: ${chain.length} run(s), ${chain.reduce((n, r) => n + (r.history.events?.length ?? 0), 0)} events`);
      await driver.finish();
    }
  } finally {
    await worker.stop();
    await env.teardown();
  }
}, 600_000);
