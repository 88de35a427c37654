/**
 * Issue 16, item 13: every escalation ends. Each kind can be resolved by the event that remedies it, and where the
 * traject moves on past what it waits for, it lapses (recorded as lapsed, with the reason): a missed meeting at
 * omklappen, any escalation when the traject ends. Walked on the machine for every kind, and on the real workflow
 * for the case a user met: a traject escalated for a missed evaluatiegesprek stayed escalated for ever after omklappen.
 */
import { buildTimeline } from '../../client/audit/timeline';
import {
  addDuration,
  escalationKinds,
  presetCovenants,
  toPublicStatus,
  type CoordinatorEventType,
  type EscalationKind,
  type Role,
} from '../../machines';
import { escalatedKey } from '../../workflows/search-attributes';
import {
  actorFor,
  fireDue,
  goodIndicators,
  initialModel,
  send,
  START,
  type ModelState,
} from '../support/model';
import { timeSkippingSuite } from '../support/temporal';
import { TrajectDriver } from '../support/workflow-driver';

const almere = presetCovenants.almere!;
const as = (role: Role) => actorFor(almere, role);

/** A step of a walk: an event (a minute after the last, or after waiting `after`), or waiting for timers to fire. */
type Walk = Array<
  { send: CoordinatorEventType; as: Role; data?: Record<string, unknown>; after?: string } | { wait: string }
>;

const toUrgency: Walk = [
  { send: 'INSTEMMING_GEGEVEN', as: 'client' },
  { send: 'URGENTIE_AANGEVRAAGD', as: 'zorgaanbieder' },
];
const toMatching: Walk = [
  ...toUrgency,
  { send: 'URGENTIE_TOEGEKEND', as: 'gemeente', data: { searchProfile: {} } },
];
const toTenancy: Walk = [
  ...toMatching,
  { send: 'WONING_AANGEBODEN', as: 'corporatie', data: { homeRef: 'woning-0001' } },
  { send: 'AANBOD_GEACCEPTEERD', as: 'client' },
  { send: 'CONTRACTVORM_GEADVISEERD', as: 'zorgaanbieder', data: { form: 'omklapcontract' } },
  { send: 'CONTRACT_GETEKEND', as: 'corporatie', data: { form: 'omklapcontract' } },
];
const kennismakingHeld: Walk = [
  { send: 'GESPREK_GEVOERD', as: 'zorgaanbieder', data: { meeting: 'kennismakingsgesprek' } },
];
const converted: Walk = [
  { send: 'OMKLAPPEN_AKKOORD', as: 'corporatie', after: 'P13M' },
  { send: 'OMKLAPPEN_AKKOORD', as: 'zorgaanbieder' },
];
const inWaakvlam: Walk = [
  ...toTenancy,
  ...kennismakingHeld,
  { send: 'GESPREK_GEVOERD', as: 'zorgaanbieder', data: { meeting: 'evaluatiegesprek' }, after: 'P6M' },
  {
    send: 'EVALUATIE_VASTGELEGD',
    as: 'zorgaanbieder',
    data: { indicators: goodIndicators, advice: 'omklappen' },
  },
  { send: 'OVERLAST_GEMELD', as: 'buurtbewoner', data: { severity: 'laag' } },
  { send: 'OVERLAST_AFGEHANDELD', as: 'corporatie', data: { reportId: 'overlast-1' } },
  { send: 'OMKLAPPEN_AKKOORD', as: 'corporatie', after: 'P7M' },
  { send: 'OMKLAPPEN_AKKOORD', as: 'zorgaanbieder' },
  { send: 'BEGELEIDING_AFGESCHAALD', as: 'zorgaanbieder' },
  { send: 'CONTACT_GELOGD', as: 'zorgaanbieder', data: { hours: 3 } },
];
const reported: Walk = [
  ...toTenancy,
  ...kennismakingHeld,
  { send: 'OVERLAST_GEMELD', as: 'buurtbewoner', data: { severity: 'midden' } },
];

function walk(steps: Walk, from = initialModel(almere, 'escalatie-1', START)): ModelState {
  let state = from;
  for (const step of steps) {
    const last = state.snapshot.context.lastEventAt;
    if ('wait' in step) {
      state = fireDue(state, addDuration(last, step.wait));
      continue;
    }
    const at = addDuration(addDuration(last, step.after ?? 'PT0S'), 'PT1M');
    const taken = send(state, {
      type: step.send,
      actor: as(step.as),
      at,
      ...(step.data ? { data: step.data } : {}),
    });
    if (!taken.ok) throw new Error(`${step.send} refused: ${taken.refusal.message}`);
    state = taken.state;
  }
  return state;
}

const open = (state: ModelState) => toPublicStatus(state.snapshot).escalations.map((e) => e.kind);
const lapsed = (state: ModelState) =>
  (state.snapshot.context.lapsedEscalations ?? []).map((e) => `${e.kind} ${e.reason}`);

/** For each kind: how it is raised, then each way it ends (resolved: no longer open; lapsed: recorded with why). */
const cases: Array<{
  kind: EscalationKind;
  raise: Walk;
  ends: Array<{ by: string; walk: Walk; lapses?: string }>;
}> = [
  {
    kind: 'urgentiebesluitTeLaat',
    raise: [...toUrgency, { wait: 'P9W' }],
    ends: [
      {
        by: 'the decision',
        walk: [{ send: 'URGENTIE_TOEGEKEND', as: 'gemeente', data: { searchProfile: {} } }],
      },
      {
        by: 'withdrawal',
        walk: [{ send: 'INGETROKKEN', as: 'client', data: { reason: 'client' } }],
        lapses: 'ingetrokken',
      },
    ],
  },
  {
    kind: 'aanbodTeLaat',
    raise: [...toMatching, { wait: 'P7M' }],
    ends: [
      {
        by: 'an offer',
        walk: [{ send: 'WONING_AANGEBODEN', as: 'corporatie', data: { homeRef: 'woning-0002' } }],
      },
      {
        by: 'withdrawal',
        walk: [{ send: 'INGETROKKEN', as: 'client', data: { reason: 'client' } }],
        lapses: 'ingetrokken',
      },
    ],
  },
  {
    kind: 'kennismakingsgesprekGemist',
    raise: [...toTenancy, { wait: 'P5W' }],
    ends: [
      { by: 'the meeting held late', walk: kennismakingHeld },
      { by: 'omklappen', walk: converted, lapses: 'omgeklapt' },
      {
        by: 'the contract ending',
        walk: [{ send: 'CONTRACT_BEEINDIGD', as: 'corporatie', data: { reason: 'opzegging' } }],
        lapses: 'contractBeeindigd',
      },
    ],
  },
  {
    kind: 'evaluatiegesprekGemist',
    raise: [...toTenancy, ...kennismakingHeld, { wait: 'P8M' }],
    ends: [
      {
        by: 'the meeting held late',
        walk: [{ send: 'GESPREK_GEVOERD', as: 'zorgaanbieder', data: { meeting: 'evaluatiegesprek' } }],
      },
      { by: 'omklappen', walk: converted, lapses: 'omgeklapt' },
    ],
  },
  {
    kind: 'overlastZonderReactie',
    raise: [...reported, { wait: 'P4D' }],
    ends: [
      {
        by: 'a first response',
        walk: [{ send: 'OVERLAST_OPGEPAKT', as: 'corporatie', data: { reportId: 'overlast-1' } }],
      },
      {
        by: 'the contract ending',
        walk: [{ send: 'CONTRACT_BEEINDIGD', as: 'corporatie', data: { reason: 'opzegging' } }],
        lapses: 'contractBeeindigd',
      },
    ],
  },
  {
    kind: 'overlastOnopgelost',
    raise: [
      ...reported,
      { send: 'OVERLAST_OPGEPAKT', as: 'corporatie', data: { reportId: 'overlast-1' } },
      { wait: 'P3W' },
    ],
    ends: [
      {
        by: 'the report handled',
        walk: [{ send: 'OVERLAST_AFGEHANDELD', as: 'corporatie', data: { reportId: 'overlast-1' } }],
      },
      {
        by: 'the contract ending',
        walk: [{ send: 'CONTRACT_BEEINDIGD', as: 'corporatie', data: { reason: 'opzegging' } }],
        lapses: 'contractBeeindigd',
      },
    ],
  },
  {
    kind: 'huurachterstandOnopgelost',
    raise: [
      ...toTenancy,
      ...kennismakingHeld,
      { send: 'HUURACHTERSTAND_GESIGNALEERD', as: 'corporatie', data: { months: 2 } },
      { wait: 'P5W' },
    ],
    ends: [
      { by: 'the arrears paid', walk: [{ send: 'HUURACHTERSTAND_OPGELOST', as: 'corporatie' }] },
      {
        by: 'the contract ending',
        walk: [{ send: 'CONTRACT_BEEINDIGD', as: 'corporatie', data: { reason: 'opzegging' } }],
        lapses: 'contractBeeindigd',
      },
    ],
  },
  {
    kind: 'contactbudgetOverschreden',
    raise: inWaakvlam,
    ends: [
      { by: 'the next month of waakvlam', walk: [{ wait: 'P1M' }] },
      { by: 'support scaled up', walk: [{ send: 'BEGELEIDING_OPGESCHAALD', as: 'zorgaanbieder' }] },
      {
        by: 'closing the traject',
        walk: [{ send: 'TRAJECT_AFGESLOTEN', as: 'zorgaanbieder' }],
        lapses: 'afgesloten',
      },
    ],
  },
];

test('the walk covers every escalation kind', () => {
  expect(cases.map((c) => c.kind).sort()).toEqual([...escalationKinds].sort());
});

describe.each(cases.map((c) => [c.kind, c] as const))('%s', (kind, { raise, ends }) => {
  test('is raised', () => {
    expect(open(walk(raise))).toContain(kind);
  });
  test.each(ends.map((end) => [end.by, end] as const))('ends by %s', (_by, end) => {
    const after = walk([...raise, ...end.walk]);
    expect(open(after)).not.toContain(kind);
    if (end.lapses) expect(lapsed(after)).toContain(`${kind} ${end.lapses}`);
    else expect(lapsed(after).filter((l) => l.startsWith(`${kind} `))).toEqual([]);
  });
});

test('a traject started before the rule keeps its escalations open after omklappen, as recorded', () => {
  const state = walk([...toTenancy, { wait: 'P5W' }]);
  const { rules: _none, ...context } = state.snapshot.context;
  const after = walk(converted, { ...state, snapshot: { ...state.snapshot, context } });
  expect(toPublicStatus(after.snapshot).phase).toBe('regulierContract');
  expect(open(after)).toContain('kennismakingsgesprekGemist');
});

describe('on the real workflow', () => {
  const suite = timeSkippingSuite();

  test('missed meetings escalate, and lapse at omklappen: no longer escalated, also for tidw list --escalated', async () => {
    const driver = await TrajectDriver.start(suite.env, almere, 'escalatie-omklappen', suite.calls);
    try {
      for (const step of toTenancy.filter((s): s is Extract<Walk[number], { send: string }> => 'send' in s))
        await driver.send({ type: step.send, actor: as(step.as), ...(step.data ? { data: step.data } : {}) });
      const signed = (await driver.status()).contract.startedAt!;
      await driver.advanceTo(addDuration(signed, 'P8M'));
      expect((await driver.status()).escalations.map((e) => e.kind)).toEqual([
        'kennismakingsgesprekGemist',
        'evaluatiegesprekGemist',
      ]);
      const escalated = async () => (await driver.handle.describe()).typedSearchAttributes.get(escalatedKey);
      expect(await escalated()).toBe(true);

      await driver.send({
        type: 'OMKLAPPEN_AKKOORD',
        actor: as('corporatie'),
        at: addDuration(signed, 'P12M1D'),
      });
      const status = await driver.send({ type: 'OMKLAPPEN_AKKOORD', actor: as('zorgaanbieder') });
      expect(status.phase).toBe('regulierContract');
      expect(status.escalations).toEqual([]);
      expect(await escalated()).toBe(false);

      // The audit timeline, rebuilt from the recorded history, agrees (it reads the patch the workflow recorded).
      const history = await driver.handle.fetchHistory();
      const timeline = await buildTimeline({
        workflowId: driver.workflowId,
        runs: [{ runId: 'r', history }],
      });
      expect(timeline.verified.mismatches).toEqual([]);
      expect(timeline.status.escalations).toEqual([]);
    } finally {
      await driver.finish();
    }
  });
});
