/**
 * The golden histories, recorded from the covenant scenarios: today's workflow code must replay every one of them
 * (a change that would break running trajecten fails here), their timelines must tell what happened, and a
 * deliberately altered workflow must fail replay, naming the event where it diverged.
 */
import { join } from 'node:path';
import { readHistories, readHistoryFile } from '../../client/audit/history-file';
import { replayHistories } from '../../client/audit/replay';
import { buildTimeline, decoderFor } from '../../client/audit/timeline';
import { phaseOf, toPublicStatus } from '../../machines';
import { goldenCases, goldenDir } from '../support/golden';
import { freshEncryption, goldenEncryption } from '../support/keys';
import { invitationsOf, runScenario } from '../support/scenarios';

const keys = goldenEncryption();
const decode = decoderFor(keys.codec);

test('every golden history replays with the current workflow code (and its key)', async () => {
  const chains = readHistories([goldenDir]);
  expect(chains.map((c) => c.file.split('/').pop()).sort()).toEqual(goldenCases.map((c) => c.file).sort());
  const outcomes = await replayHistories(chains, { codec: keys.codec });
  expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  expect(outcomes.length).toBe(chains.reduce((n, c) => n + c.runs.length, 0));
  expect(outcomes.length).toBeGreaterThan(goldenCases.length); // the continued one has several runs
});

test('without the key a golden history neither replays nor reads: "key not available"', async () => {
  const chain = readHistoryFile(join(goldenDir, 'nijmegen-exception-path.json'));
  const [outcome] = await replayHistories([chain]);
  expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining('key not available') as string });
  await expect(buildTimeline(chain)).rejects.toThrow(/key not available/);
  // A key ring without this traject's data key does not open it either.
  const other = freshEncryption();
  const [wrongKeys] = await replayHistories([chain], { codec: other.codec });
  expect(wrongKeys).toMatchObject({ ok: false, error: expect.stringMatching(/no data key for traject-golden-\d+/) as string });
});

test.each(goldenCases.map((c) => [c.file, c] as const))('the timeline of %s tells what happened', async (file, golden) => {
  const timeline = await buildTimeline(readHistoryFile(join(goldenDir, file)), decode);
  // It agrees with every status the workflow itself recorded.
  expect(timeline.verified.mismatches).toEqual([]);
  expect(timeline.verified.checks).toBeGreaterThan(0);

  // The same phases, meetings and escalations as the scenario on the pure model.
  const model = runScenario(golden.scenario);
  const modelPhases = [...model.trace.map((t) => phaseOf(t.state.snapshot))].filter((p, i, all) => i === 0 || all[i - 1] !== p);
  expect(timeline.phases.map((p) => p.phase)).toEqual(['aanmelding', ...modelPhases]);
  expect(timeline.invitations.map((i) => `${i.meeting} ${i.number}`)).toEqual(
    invitationsOf(model.state).map((e) => `${String((e.effect.params as { meeting: string }).meeting)} ${String((e.effect.params as { number: number }).number)}`),
  );
  expect(timeline.escalations.map((e) => e.kind)).toEqual(golden.scenario.expect.escalated);
  expect(timeline.status.phase).toBe(toPublicStatus(model.state.snapshot).phase);
  expect(timeline.invitations.every((i) => i.outcome === 'delivered')).toBe(true);
  expect(timeline.runs).toBe(golden.historyLimit ? timeline.runs : 1);
});

test('the Almere happy path, step by step: phases, who acted, the meetings invited and when they were due', async () => {
  const timeline = await buildTimeline(readHistoryFile(join(goldenDir, 'almere-happy-path.json')), decode);
  expect(timeline.phases.map((p) => p.phase)).toEqual([
    'aanmelding',
    'urgentie',
    'matching',
    'contractering',
    'tijdelijkContract',
    'omklappen',
    'regulierContract',
    'waakvlam',
    'afgesloten',
  ]);
  expect(timeline.invitations.map((i) => [i.meeting, i.number])).toEqual([
    ['kennismakingsgesprek', 1],
    ['evaluatiegesprek', 1],
    ['evaluatiegesprek', 2],
    ['evaluatiegesprek', 3],
    ['evaluatiegesprek', 4],
  ]);
  for (const invitation of timeline.invitations) expect(Date.parse(invitation.dueBy)).toBeGreaterThan(Date.parse(invitation.at));
  const signing = timeline.entries.find((e) => e.event === 'CONTRACT_GETEKEND')!;
  expect(signing).toMatchObject({ source: 'update', actor: { role: 'corporatie', organisation: 'Ymere' }, phaseBefore: 'contractering', phaseAfter: 'tijdelijkContract' });
  expect(signing.timersStarted.map((t) => t.event).sort()).toEqual(['EVALUATIE_UITNODIGING', 'KENNISMAKING_TERMIJN']);
  expect(signing.effects.map((e) => e.type)).toEqual(['inviteKennismakingsgesprek', 'notifyParties']);
  const kennismaking = timeline.entries.find((e) => e.event === 'GESPREK_GEVOERD')!;
  expect(kennismaking.timersCancelled).toEqual(['kennismaking-termijn']);
  expect(timeline.entries.filter((e) => e.source === 'timer').map((e) => e.event)).toEqual(
    expect.arrayContaining(['EVALUATIE_UITNODIGING', 'WAAKVLAM_CHECKIN']),
  );
  const refused = timeline.entries.filter((e) => e.refused);
  expect(refused).toEqual([]); // the refused OMKLAPPEN_AKKOORD was an update: it never reached history
});

test('an altered workflow (one extra activity call) fails replay with a nondeterminism error that names the event', async () => {
  const outcomes = await replayHistories([readHistoryFile(join(goldenDir, 'amsterdam-happy-path.json'))], {
    workflowsPath: require.resolve('../fixtures/altered-workflow'),
    codec: keys.codec,
  });
  expect(outcomes).toHaveLength(1);
  expect(outcomes[0]!.ok).toBe(false);
  expect(outcomes[0]!.error).toMatch(/[Nn]ondetermin/);
  expect(outcomes[0]!.error).toMatch(/ActivityTaskScheduled|ScheduleActivity|event/i);
});
