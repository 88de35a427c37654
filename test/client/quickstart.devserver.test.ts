/**
 * The README's quick start, run literally: every `npx tidw` line of it, in order, against a real dev server with the
 * tenancy worker, so the README cannot go stale. Its SDK example is run too.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ts from 'typescript';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { root, sh } from '../support/processes';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';

let env: TestWorkflowEnvironment;
let stopWorker: () => Promise<void>;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

beforeAll(async () => {
  env = await devServerEnvironment();
  ({ stop: stopWorker } = await startWorker(
    env,
    await bundleTenancyWorkflows(),
    recordingActivities().activities,
  ));
});

afterAll(async () => {
  await stopWorker?.();
  await env?.teardown();
});

/** The commands between the quick start markers; a line ending in `# exit N` must exit with N. */
function quickStart(): Array<{ line: string; exit: number }> {
  const block = readme.split('<!-- quickstart:start -->')[1]!.split('<!-- quickstart:end -->')[0]!;
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('```'))
    .map((l) => {
      const expected = /#\s*exit (\d+)\s*$/.exec(l);
      return { line: l, exit: expected ? Number(expected[1]) : 0 };
    });
}

test('the README quick start runs as written: each command exits as the README says', async () => {
  const commands = quickStart();
  expect(commands.length).toBeGreaterThan(15);
  const outputs: Record<string, string> = {};
  for (const { line, exit } of commands) {
    // This test server's worker does not encrypt: say so, as a client on a cluster must have the key ring otherwise.
    const run = await sh(line, { TEMPORAL_ADDRESS: env.address, TIDW_PLAINTEXT_PAYLOADS: 'true' });
    const output = `${run.stdout}${run.stderr}`;
    if (run.code !== exit)
      throw new Error(`"${line}" exited ${run.code}, the README says ${exit}:\n${output}`);
    outputs[line] = output;
  }
  const find = (fragment: string) => Object.entries(outputs).find(([line]) => line.includes(fragment))![1];
  expect(find('tidw status demo-0001')).toMatch(/phase\s+tijdelijkContract/);
  expect(find('tidw status demo-0001')).toMatch(/evaluatiegesprek 1/);
  expect(find('OMKLAPPEN_AKKOORD')).toContain(
    'refused (NotAllowedInPhase, rule terms.minimumTerm.omklapcontract): OMKLAPPEN_AKKOORD is not allowed now: the minimum term of the omklapcontract runs until',
  );
  expect(find('tidw events demo-0001')).toMatch(/GESPREK_GEVOERD\s+zorgaanbieder \(Kwintes\)/);
  const escalated = find('tidw list --escalated');
  expect(escalated).toMatch(/demo-0002\s+tijdelijkContract\s+demo\s+escalated/);
  expect(escalated).not.toContain('demo-0001');
});

test("the README's SDK example runs as written", async () => {
  const code = readme.split('## The SDK')[1]!.split('```ts')[1]!.split('```')[0]!;
  const js = ts.transpileModule(
    `(async () => {\n${code.replace(/^import [\s\S]*? from 'thuis-in-de-wijk';\n/m, '')}\n})()`,
    {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    },
  ).outputText;
  const names = /^import \{([\s\S]*?)\} from 'thuis-in-de-wijk';/m
    .exec(code)![1]!
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n && !n.startsWith('type '));
  const file = join(mkdtempSync(join(tmpdir(), 'tidw-readme-')), 'example.js');
  writeFileSync(
    file,
    `const { ${names.join(', ')} } = require(${JSON.stringify(join(root, 'dist', 'client'))});\n${js.replace(/'localhost:7233'/g, JSON.stringify(env.address))}`,
  );
  const run = await sh(`node ${file}`);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  // The status after the urgency request, then the refusal the example catches (omklappen while in urgentie).
  expect(run.stdout).toMatch(/^urgentie \[/m);
  expect(run.stdout).toContain('urgentiebesluit');
  expect(run.stdout).toContain('phase OMKLAPPEN_AKKOORD is not possible in phase urgentie');
});
