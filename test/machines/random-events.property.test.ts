/**
 * Random event sequences with random actors and random time gaps: the invariants hold after every step, and an
 * event that is not allowed (wrong phase, wrong role, bad data) changes nothing and says why.
 */
import fc from 'fast-check';
import {
  addDuration,
  coordinatorEventTypes,
  permittedRoles,
  presetCovenants,
  roles,
  type CoordinatorEventType,
  type Role,
} from '../../machines';
import { brokenInvariants } from '../support/invariants';
import {
  actorFor,
  candidateEvents,
  fireDue,
  initialModel,
  phaseOf,
  sampleEvents,
  send,
  type ModelState,
  type SendEvent,
} from '../support/model';
import { runScenario, scenarios } from '../support/scenarios';

/** A valid-looking example of any event type, taken from what the state would accept, or else bare. */
function exampleOf(state: ModelState, type: CoordinatorEventType): Record<string, unknown> | undefined {
  const candidate = candidateEvents(state).find((e): e is SendEvent => e.type === type);
  return candidate?.data;
}

const action = fc.record({
  /** Mostly a move the state accepts and that does not end the traject (so sequences go deep), else anything. */
  valid: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  pick: fc.nat(),
  type: fc.constantFrom(...coordinatorEventTypes),
  role: fc.constantFrom(...roles),
  /** Mostly the role the covenant wants, sometimes anyone. */
  rightRole: fc.boolean(),
  data: fc.oneof(
    { weight: 6, arbitrary: fc.constant('example' as const) },
    { weight: 1, arbitrary: fc.constant('garbage' as const) },
    { weight: 1, arbitrary: fc.constant('none' as const) },
  ),
  gapDays: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 20, max: 400 })),
});

const covenants = Object.values(presetCovenants);
import { phases } from '../../machines';
const endings: string[] = ['INGETROKKEN', 'URGENTIE_AFGEWEZEN', 'CONTRACT_BEEINDIGD', 'TRAJECT_AFGESLOTEN'];

test('random event sequences keep every invariant, and refused events change nothing', () => {
  const reached = new Set<string>();

  const refusals = new Set<string>();
  fc.assert(
    fc.property(
      fc.constantFrom(...scenarios),
      fc.nat(),
      fc.array(action, { minLength: 1, maxLength: 40 }),
      (scenario, cut, actions) => {
        // Start anywhere along a covenant scenario, so that every phase gets its share of random events.
        const { covenant } = scenario;
        let state = runScenario({
          ...scenario,
          steps: scenario.steps.slice(0, cut % (scenario.steps.length + 1)),
        }).state;
        expect(brokenInvariants(state)).toEqual([]);
        for (const a of actions) {
          if (a.valid) {
            const moves = sampleEvents(state).filter(
              (e): e is SendEvent => e.type !== 'ADVANCE' && !endings.includes(e.type),
            );
            const move = moves[a.pick % Math.max(1, moves.length)];
            if (move) {
              const result = send(state, move);
              expect(result.ok).toBe(true);
              state = result.state;
              expect(brokenInvariants(state)).toEqual([]);
              reached.add(phaseOf(state.snapshot));
              continue;
            }
          }
          const at = addDuration(state.snapshot.context.lastEventAt, `P${a.gapDays}DT1H`);
          const allowed = permittedRoles(covenant, a.type);
          const role: Role = a.rightRole ? allowed[0]! : a.role;
          const data =
            a.data === 'example'
              ? exampleOf(state, a.type)
              : a.data === 'garbage'
                ? { unexpected: 'x', hours: -1 }
                : undefined;
          const before = fireDue(state, at);
          expect(brokenInvariants(before)).toEqual([]);
          const result = send(state, {
            type: a.type,
            actor: actorFor(covenant, role),
            at,
            ...(data ? { data } : {}),
          });
          if (result.ok) {
            expect(allowed).toContain(role);
            state = result.state;
          } else {
            // Nothing changed beyond the timers that were due anyway, and the refusal says which rule and why.
            expect(result.state.snapshot).toEqual(before.snapshot);
            expect(result.state.timers).toEqual(before.timers);
            expect(result.refusal.message.length).toBeGreaterThan(10);
            expect(result.refusal.rule).toBeTruthy();
            refusals.add(result.refusal.code);
            if (!allowed.includes(role)) expect(result.refusal.code).toBe('RoleNotPermitted');
            else expect(['InvalidEventData', 'NotAllowedInPhase']).toContain(result.refusal.code);
            state = before;
          }
          expect(brokenInvariants(state)).toEqual([]);
          reached.add(phaseOf(state.snapshot));
        }
      },
    ),
    { numRuns: 300, seed: 20261123 },
  );
  // The sequences went through every phase, and met every kind of refusal.
  expect([...reached].sort()).toEqual([...phases].sort());
  expect([...refusals].sort()).toEqual(['InvalidEventData', 'NotAllowedInPhase', 'RoleNotPermitted']);
});

test('an auditor and a neighbour are refused everything but what the covenant gives them', () => {
  for (const covenant of covenants) {
    const state = initialModel(covenant);
    for (const type of coordinatorEventTypes) {
      const auditor = send(state, {
        type,
        actor: actorFor(covenant, 'auditor'),
        at: addDuration(state.snapshot.context.lastEventAt, 'P1D'),
      });
      expect(auditor.ok).toBe(false);
      if (!auditor.ok) expect(auditor.refusal.code).toBe('RoleNotPermitted');
      if (type !== 'OVERLAST_GEMELD' && type !== 'ZORGEN_GEMELD') {
        const neighbour = send(state, {
          type,
          actor: actorFor(covenant, 'buurtbewoner'),
          at: addDuration(state.snapshot.context.lastEventAt, 'P1D'),
        });
        expect(neighbour.ok).toBe(false);
        if (!neighbour.ok)
          expect(neighbour.refusal).toMatchObject({ code: 'RoleNotPermitted', rule: `permissions.${type}` });
      }
    }
  }
});
