/**
 * The four regional covenants: each runs its happy path and its main exception path, and a covenant file given by a
 * user is validated with messages that name the field.
 */
import { addDuration, checkCovenant, presetCovenants, toPublicStatus } from '../../machines';
import { almere } from '../../machines/covenants/almere';
import { brokenInvariants } from '../support/invariants';
import { escalationsOf, invitationsOf, runScenario, scenarios } from '../support/scenarios';

describe('covenant scenarios', () => {
  test.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const run = runScenario(scenario);
    for (const { step, state } of run.trace) {
      expect(brokenInvariants(state)).toEqual([]);
      if (step.phase) expect(toPublicStatus(state.snapshot).phase).toBe(step.phase);
    }
    const status = toPublicStatus(run.state.snapshot);
    expect(status.phase).toBe(scenario.expect.phase);
    expect(escalationsOf(run.state)).toEqual(scenario.expect.escalated);
    expect(invitationsOf(run.state)).toHaveLength(scenario.expect.invitations);
    expect(run.state.timers).toEqual([]);
  });

  test('every covenant has a happy path that ends afgesloten, and an exception path', () => {
    for (const id of Object.keys(presetCovenants)) {
      const own = scenarios.filter((s) => s.covenant.id === id);
      expect(own.map((s) => s.name.replace(/^'/, '').split(' path')[0])).toEqual([
        `${id} happy`,
        `${id} exception`,
      ]);
      expect(own[0]!.expect.phase).toBe('afgesloten');
    }
  });

  test('a two-month time-out moves the earliest conversion by two months', () => {
    const exception = scenarios.find((s) => s.name.startsWith('almere exception'))!;
    const run = runScenario(exception);
    const away = run.trace.find((t) => t.step.type === 'TERUGVAL_GEMELD')!;
    const back = run.trace.find((t) => t.step.type === 'TIMEOUT_BEEINDIGD')!;
    const before = toPublicStatus(away.state.snapshot).contract.earliestConversion!;
    const after = toPublicStatus(back.state.snapshot).contract.earliestConversion!;
    expect(Date.parse(after) - Date.parse(before)).toBe(Date.parse(back.at) - Date.parse(away.at));
    const signed = run.trace.find((t) => t.step.type === 'CONTRACT_GETEKEND')!;
    expect(before).toBe(addDuration(signed.at, 'P12M'));
  });

  test('a neighbour concern on a Saturday goes to the role on duty outside office hours', () => {
    const nijmegen = scenarios.find((s) => s.name.startsWith('nijmegen happy'))!;
    const concern = runScenario(nijmegen).state.effects.find(
      (e) => e.effect.type === 'routeNeighbourReport',
    )!;
    expect(new Date(concern.at).getUTCDay()).toBe(6);
    expect(concern.effect.params).toEqual({ kind: 'zorgen', to: 'zorgaanbieder', duringOfficeHours: false });
  });
});

describe('covenant validation', () => {
  test('the four presets are valid', () => {
    expect(Object.keys(presetCovenants)).toEqual(['almere', 'amsterdam', 's-hertogenbosch', 'nijmegen']);
    for (const covenant of Object.values(presetCovenants))
      expect(checkCovenant(covenant)).toEqual({ ok: true, covenant });
  });

  test('a broken covenant file is reported field by field', () => {
    const broken = {
      ...almere,
      id: 'Almere Stad',
      terms: { ...almere.terms, offerEscalation: 'six months', waakvlamContactBudgetHours: -2 },
      permissions: {
        ...almere.permissions,
        URGENTIE_TOEGEKEND: ['auditor'],
        TRAJECT_AFGESLOTEN: ['buurtbewoner'],
      },
      officeHours: { days: [1, 2, 3, 4, 5], from: '17:00', until: '09:00' },
    };
    const result = checkCovenant(JSON.parse(JSON.stringify(broken)));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'id',
        'terms.offerEscalation',
        'terms.waakvlamContactBudgetHours',
        'permissions.URGENTIE_TOEGEKEND',
        'permissions.TRAJECT_AFGESLOTEN',
        'officeHours.until',
      ]),
    );
    expect(result.problems.find((p) => p.field === 'terms.offerEscalation')!.message).toMatch(
      /ISO 8601 duration/,
    );
    expect(result.problems.find((p) => p.field === 'permissions.URGENTIE_TOEGEKEND')!.message).toMatch(
      /auditor/,
    );
  });

  test('a covenant that leaves out an event or an escalation target is refused', () => {
    const { CONTACT_GELOGD: _dropped, ...permissions } = almere.permissions;
    const result = checkCovenant({ ...almere, permissions });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toContain('permissions.CONTACT_GELOGD');
  });
});
