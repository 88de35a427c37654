/**
 * Issue 14: a worker keeps one deep-frozen copy of each covenant, shared by every traject that holds an equal one
 * (machines/shared-covenants.ts). The machine takes the shared copy as it takes its own.
 */
import { presetCovenants, toPublicStatus } from '../../machines';
import { sharedCovenant } from '../../machines/shared-covenants';
import { escalationsOf, invitationsOf, runScenario, scenarios } from '../support/scenarios';

const almere = presetCovenants.almere!;

test('equal covenants, parsed apart, become one shared copy with the same values in the same order', () => {
  const shared = sharedCovenant(structuredClone(almere));
  expect(sharedCovenant(structuredClone(almere))).toBe(shared);
  expect(JSON.stringify(shared)).toBe(JSON.stringify(almere));
});

test('a covenant that differs in one value keeps a copy of its own', () => {
  const other = { ...structuredClone(almere), version: `${almere.version}-other` };
  expect(sharedCovenant(structuredClone(other))).not.toBe(sharedCovenant(structuredClone(almere)));
  expect(sharedCovenant(structuredClone(other)).version).toBe(other.version);
});

test('the shared copy is frozen all the way down: no traject can change it for another', () => {
  const shared = sharedCovenant(structuredClone(almere));
  expect(Object.isFrozen(shared)).toBe(true);
  expect(Object.isFrozen(shared.permissions)).toBe(true);
  expect(Object.values(shared.permissions).every((roles) => Object.isFrozen(roles))).toBe(true);
});

test.each(scenarios.map((s) => [s.name, s] as const))(
  '%s: the same run on the shared copy',
  (_name, scenario) => {
    const own = runScenario(scenario);
    const onShared = runScenario({
      ...scenario,
      covenant: sharedCovenant(structuredClone(scenario.covenant)),
    });
    expect(toPublicStatus(onShared.state.snapshot)).toEqual(toPublicStatus(own.state.snapshot));
    expect(escalationsOf(onShared.state)).toEqual(escalationsOf(own.state));
    expect(invitationsOf(onShared.state)).toEqual(invitationsOf(own.state));
    expect(onShared.trace.map((t) => t.refusal?.code)).toEqual(own.trace.map((t) => t.refusal?.code));
  },
);
