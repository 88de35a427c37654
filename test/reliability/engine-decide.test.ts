/**
 * The hostile caller's findings, decided by the machine's pure `decide` (the workflow's validator calls it): who may
 * act for which party, what event data and references may look like, and refusals that say the rule failing now.
 */
import {
  addDuration,
  decide,
  EVENT_DATA_MAX_BYTES,
  presetCovenants,
  ReferenceSchema,
  type Actor,
  type CoordinatorEventType,
  type Role,
} from '../../machines';
import { actorFor, goodIndicators, initialModel, send, START, type ModelState } from '../support/model';

const almere = presetCovenants.almere!;
const as = (role: Role): Actor => actorFor(almere, role);

/** Sends events in order, a day apart; fails when one is refused. */
function walk(
  state: ModelState,
  steps: Array<[CoordinatorEventType, Role, Record<string, unknown>?]>,
  at: string,
) {
  let current = state;
  let time = at;
  for (const [type, role, data] of steps) {
    time = addDuration(time, 'P1D');
    const result = send(current, { type, actor: as(role), ...(data ? { data } : {}), at: time });
    if (!result.ok) throw new Error(`${type} refused: ${result.refusal.message}`);
    current = result.state;
  }
  return { state: current, at: time };
}

const toUrgentie = (state = initialModel(almere)) =>
  walk(
    state,
    [
      ['INSTEMMING_GEGEVEN', 'client'],
      ['URGENTIE_AANGEVRAAGD', 'zorgaanbieder'],
    ],
    START,
  );

function toSigned(form: 'omklapcontract' | 'driepartijenovereenkomst') {
  const { state, at } = toUrgentie();
  return walk(
    state,
    [
      ['URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: {} }],
      ['WONING_AANGEBODEN', 'corporatie', { homeRef: 'woning-0001' }],
      ['AANBOD_GEACCEPTEERD', 'client'],
      ['CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form }],
      ['CONTRACT_GETEKEND', 'corporatie', { form }],
      ['GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'kennismakingsgesprek' }],
    ],
    at,
  );
}

const refusalOf = (state: ModelState, input: unknown, at: string) => {
  const decision = decide(state.snapshot, input, at);
  if (decision.ok) throw new Error('expected a refusal');
  return decision.refusal;
};

describe('an actor acts only for a party of the covenant (item 6)', () => {
  test('a municipality the covenant does not name cannot grant urgency', () => {
    const { state, at } = toUrgentie();
    const refusal = refusalOf(
      state,
      {
        type: 'URGENTIE_TOEGEKEND',
        actor: { role: 'gemeente', organisation: 'Gemeente Nergenshuizen', personId: 'x-1' },
        data: { searchProfile: {} },
      },
      at,
    );
    expect(refusal).toMatchObject({
      code: 'RoleNotPermitted',
      rule: 'parties.gemeente',
      allowed: ['Gemeente Almere'],
    });
    expect(refusal.message).toContain('Gemeente Nergenshuizen is no gemeente party of covenant almere');
  });

  test("every one of Almere's three corporations may offer a home, and no other", () => {
    const { state, at } = walk(
      toUrgentie().state,
      [['URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: {} }]],
      addDuration(START, 'P3D'),
    );
    const offer = (organisation: string) =>
      decide(
        state.snapshot,
        {
          type: 'WONING_AANGEBODEN',
          actor: { role: 'corporatie', organisation, personId: 'wb-1' },
          data: { homeRef: 'woning-0001' },
        },
        at,
      );
    for (const corporation of ['Ymere', 'GoedeStede', 'De Alliantie'])
      expect(offer(corporation).ok).toBe(true);
    expect(offer('Woonbedrijf Elders')).toMatchObject({ ok: false, refusal: { rule: 'parties.corporatie' } });
  });

  test('the client acts for no organisation, and a wijkteam Almere names none of is decided by its permission', () => {
    const { state, at } = toSigned('omklapcontract');
    const held = decide(
      state.snapshot,
      {
        type: 'OVERLAST_GEMELD',
        actor: { role: 'wijkteam', organisation: 'Wijkteam Haven', personId: 'wt-1' },
        data: { severity: 'laag' },
      },
      at,
    );
    expect(held.ok).toBe(true);
  });
});

describe('event data the engine never takes (items 4 and 9)', () => {
  const { state, at } = toUrgentie();
  const withData = (data: unknown) =>
    refusalOf(state, { type: 'URGENTIE_TOEGEKEND', actor: as('gemeente'), data }, at);

  test('data over 64 KiB is refused by its size, and the refusal does not carry it back', () => {
    const note = 'x'.repeat(3 * 1024 * 1024);
    const refusal = withData({ searchProfile: {}, note });
    expect(refusal).toMatchObject({ code: 'InvalidEventData', rule: 'eventData' });
    expect(refusal.message).toContain(`at most ${EVENT_DATA_MAX_BYTES} bytes`);
    expect(JSON.stringify(refusal).length).toBeLessThan(1000);
  });

  test('an unknown key is not quoted back when it is no field name', () => {
    const key = 'Jan de Vries, Dorpsstraat 12, BSN 123456782';
    const refusal = withData({ searchProfile: {}, [key]: 1 });
    expect(refusal.code).toBe('InvalidEventData');
    expect(JSON.stringify(refusal)).not.toContain('Jan de Vries');
    expect(JSON.stringify(refusal)).not.toContain('123456782');
  });

  test('__proto__ and constructor are refused alike, wherever they are', () => {
    for (const key of ['__proto__', 'constructor']) {
      for (const json of [
        `{"searchProfile": {"${key}": {"polluted": true}}}`,
        `{"${key}": {"polluted": true}}`,
      ]) {
        expect(withData(JSON.parse(json))).toMatchObject({
          code: 'InvalidEventData',
          rule: 'eventData',
          message: expect.stringContaining(`the key ${key} is not allowed`),
        });
      }
    }
  });

  test('data nested deeper than 8 levels is refused', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 12; i += 1) deep = { deeper: deep };
    expect(withData({ searchProfile: {}, extra: deep }).message).toContain('nested deeper than 8 levels');
  });
});

describe('what a client reference may look like (item 9)', () => {
  test.each([
    'demo-0001',
    'demo-0002',
    'c-2026-0042',
    'woning-0042',
    'privacy-a',
    'AB-1234',
    'cap-engine-x3f9-00001',
  ])('%s is a reference', (ref) => expect(ReferenceSchema.safeParse(ref).success).toBe(true));

  test.each([
    ['123456782', 'citizen number'],
    ['c-123456782', 'citizen number'],
    ['Jan_de_Vries_Dorpsstraat_12', 'name or an address'],
    ['jan_vries_dorpsstraat_12', 'name or an address'],
  ])('%s is refused, saying it looks like a %s', (ref, why) => {
    const result = ReferenceSchema.safeParse(ref);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join('; ')).toContain(why);
  });

  test('nine digits that fail the elfproef are a number, not a citizen number', () =>
    expect(ReferenceSchema.safeParse('c-123456789').success).toBe(true));
});

describe('refusals say the rule failing now, in the covenant’s terms (item 15)', () => {
  test('at month 24 with 2 of 3 evaluations, omklappen names the evaluations still needed, not a past date', () => {
    let { state } = toSigned('driepartijenovereenkomst');
    const signedAt = state.snapshot.context.contract.startedAt!;
    for (let n = 1; n <= 2; n += 1) {
      // Each evaluatiegesprek is held once its invitation went out.
      const { evaluation } = state.snapshot.context;
      const opens = evaluation.invited
        ? addDuration(evaluation.opensAt!, almere.terms.evaluatiegesprekInterval)
        : evaluation.opensAt!;
      ({ state } = walk(
        state,
        [
          ['GESPREK_GEVOERD', 'zorgaanbieder', { meeting: 'evaluatiegesprek' }],
          [
            'EVALUATIE_VASTGELEGD',
            'zorgaanbieder',
            {
              indicators: goodIndicators,
              advice: 'verlengen',
            },
          ],
        ],
        opens,
      ));
    }
    const month24 = addDuration(signedAt, 'P24M1D');
    const refusal = refusalOf(state, { type: 'OMKLAPPEN_AKKOORD', actor: as('corporatie') }, month24);
    expect(refusal).toMatchObject({
      code: 'NotAllowedInPhase',
      rule: 'terms.minimumEvaluations.driepartijenovereenkomst',
    });
    expect(refusal.message).toContain('2 of 3 evaluations recorded; 1 more needed');
    expect(refusal.message).not.toContain('runs until');
    expect(refusal.allowed).not.toContain('OMKLAPPEN_AKKOORD');
  });

  test('a second agreement from the same signatory says whose agreement is still awaited', () => {
    const { state, at } = toSigned('omklapcontract');
    const due = addDuration(state.snapshot.context.contract.earliestConversion!, 'P1D');
    const agreed = send(state, { type: 'OMKLAPPEN_AKKOORD', actor: as('corporatie'), at: due });
    if (!agreed.ok) throw new Error(agreed.refusal.message);
    const refusal = refusalOf(agreed.state, { type: 'OMKLAPPEN_AKKOORD', actor: as('corporatie') }, due);
    expect(refusal).toMatchObject({ rule: 'conversionSignatories' });
    expect(refusal.message).toContain('waiting for the agreement of zorgaanbieder');
    expect(at < due).toBe(true);
  });

  test('an auditor is "an auditor"', () => {
    const { state, at } = toUrgentie();
    const refusal = refusalOf(
      state,
      { type: 'INGETROKKEN', actor: as('auditor'), data: { reason: 'client' } },
      at,
    );
    expect(refusal.message).toMatch(/^an auditor may not send INGETROKKEN/);
  });
});
