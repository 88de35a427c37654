/**
 * A covenant change on the pure machine (CONVENANT_GEWIJZIGD): at every step of Almere's scenarios and of the graph's
 * paths, the traject moves onto almere@2023-01; the re-armed timers are checked against deadlines computed here from
 * the recorded dates, and the dry run's prediction against what the migration does.
 */
import {
  addDuration,
  decideCovenantChange,
  later,
  msBetween,
  previewMigration,
  resolveCovenant,
  shift,
  takeEvent,
  timerIds,
  type Covenant,
  type CovenantChangedEvent,
  type PendingTimer,
} from '../../machines';
import { actorFor, fireDue, initialModel, type ModelState } from '../support/model';
import { shortestPathsThroughTransitions, shortestPathsToStates } from '../support/paths';
import { runScenario, scenarios } from '../support/scenarios';

const v2021 = resolveCovenant('almere@2021-10')!;
const v2023 = resolveCovenant('almere@2023-01')!;
const gemeente = actorFor(v2021, 'gemeente');
const reason = 'covenant evaluated in 2022 and reworked';

/** A day after the traject's last event: when the partners move it. */
const changeTime = (state: ModelState) => addDuration(state.snapshot.context.lastEventAt, 'P1D');

function changeEvent(state: ModelState, at: string, covenant: Covenant = v2023): CovenantChangedEvent {
  const decision = decideCovenantChange(state.snapshot, { actor: gemeente, covenant, reason }, at);
  if (!decision.ok) throw new Error(decision.refusal.message);
  return decision.event;
}

/** `anchor + newTerm`, moved as far as the old deadline had been moved from `anchor + oldTerm` (time-outs). */
const recount = (anchor: string, oldTerm: string, newTerm: string, oldDue: string) =>
  shift(addDuration(anchor, newTerm), msBetween(addDuration(anchor, oldTerm), oldDue));

/** Where each running deadline must fall under almere@2023-01, from the dates the traject recorded. */
function expectedDue(state: ModelState, timer: PendingTimer): string {
  const { context } = state.snapshot;
  const { terms } = v2021;
  switch (timer.id) {
    case timerIds.kennismakingsgesprek:
      return recount(
        context.kennismaking.invitedAt!,
        terms.kennismakingsgesprekWithin,
        v2023.terms.kennismakingsgesprekWithin,
        timer.event.at,
      );
    case timerIds.evaluationInvitation:
      return context.evaluation.invited
        ? addDuration(context.evaluation.opensAt!, v2023.terms.evaluatiegesprekInterval)
        : recount(
            context.contract.startedAt!,
            terms.evaluatiegesprekInterval,
            v2023.terms.evaluatiegesprekInterval,
            timer.event.at,
          );
    case timerIds.arrearsFollowUp:
      return addDuration(context.arrears!.since, v2023.terms.rentArrearsFollowUp);
    default:
      return timer.event.at; // a term the new version did not change
  }
}

/** Every timer a migration was checked on, so that the paths are seen to reach each kind. */
const checkedTimers = new Set<string>();

function checkMigrationAt(state: ModelState, label: string): void {
  const at = changeTime(state);
  const before = fireDue(state, at);
  if (before.snapshot.status !== 'active') return;
  const event = changeEvent(before, at);
  const step = takeEvent(before.snapshot, before.timers, event);

  // The same timers run, none added or dropped; each at its recounted deadline, at once when that has passed.
  expect({ label, ids: step.timers.map((t) => t.id).sort() }).toEqual({
    label,
    ids: before.timers.map((t) => t.id).sort(),
  });
  for (const timer of before.timers) {
    checkedTimers.add(timer.id.replace(/^overlast-\d+/, 'overlast'));
    const due = expectedDue(before, timer);
    const now = step.timers.find((t) => t.id === timer.id)!;
    expect({ label, timer: timer.id, due: now.event.at, fireAt: now.fireAt }).toEqual({
      label,
      timer: timer.id,
      due,
      fireAt: later(due, at),
    });
    // Re-armed exactly: the old one cancelled, the new one started.
    expect(step.cancelled).toContain(timer.id);
    expect(step.started.map((t) => t.id)).toContain(timer.id);
  }
  expect(step.snapshot.context.covenant).toEqual(v2023);
  expect(step.snapshot.value).toEqual(before.snapshot.value);

  // The dry run predicts exactly what the migration and its overdue deadlines leave behind.
  const preview = previewMigration(before.snapshot, before.timers, event);
  const migrated = fireDue({ ...before, snapshot: step.snapshot, timers: step.timers }, at);
  expect(preview.after.timers).toEqual(migrated.timers);
  expect(preview.after.snapshot.context).toEqual(migrated.snapshot.context);
  const moved = preview.deadlines.map((d) => [d.timer, d.to]);
  const changed = step.timers
    .filter((t) => before.timers.find((b) => b.id === t.id)!.fireAt !== t.fireAt)
    .map((t) => [t.id, t.fireAt]);
  expect(moved).toEqual(expect.arrayContaining(changed));
  expect(moved).toHaveLength(changed.length);
  for (const d of preview.deadlines) expect(d.overdue).toBe(d.to !== undefined && d.to <= at);
}

describe.each(scenarios.filter((s) => s.covenant.id === 'almere'))('$name', (scenario) => {
  test('migrating at every step recounts each running deadline from its recorded date', () => {
    const run = runScenario(scenario);
    run.trace.forEach(({ state, step }, i) => checkMigrationAt(state, `step ${i} ${step.type ?? 'wait'}`));
  });
});

describe('graph paths of the Almere covenant: to every state, and through every transition', () => {
  const paths = [...shortestPathsToStates(v2021), ...shortestPathsThroughTransitions(v2021)];
  test.each(paths.map((p) => [p.name, p] as const))('%s', (_name, path) => {
    path.steps.forEach((s, i) =>
      checkMigrationAt((s.state as unknown as { context: ModelState }).context, `${path.name} #${i}`),
    );
  });
});

test('the paths migrated every kind of running timer', () => {
  expect([...checkedTimers].sort()).toEqual(
    expect.arrayContaining([
      timerIds.urgencyDecision,
      timerIds.offerReminder,
      timerIds.offerEscalation,
      timerIds.kennismakingsgesprek,
      timerIds.evaluationInvitation,
      timerIds.evaluationDue,
      timerIds.arrearsFollowUp,
      timerIds.waakvlamCheckIn,
      'overlast-reactie',
      'overlast-escalatie',
    ]),
  );
});

describe('a deadline that has passed under the new version', () => {
  const signed = runScenario({
    ...scenarios.find((s) => s.name.startsWith('almere happy path'))!,
  }).trace.find((t) => t.step.type === 'CONTRACT_GETEKEND')!.state;

  test('fires at once as overdue, and the dry run says so', () => {
    // Three weeks after signing: within Almere's four weeks, past the two of almere@2023-01.
    const at = addDuration(signed.snapshot.context.contract.startedAt!, 'P3W');
    const before = fireDue(signed, at);
    const preview = previewMigration(before.snapshot, before.timers, changeEvent(before, at));
    const kennismaking = preview.deadlines.find((d) => d.timer === timerIds.kennismakingsgesprek)!;
    expect(kennismaking).toMatchObject({
      from: addDuration(signed.snapshot.context.contract.startedAt!, 'P4W'),
      to: at,
      overdue: true,
    });
    expect(preview.escalationsOpened).toEqual(['kennismakingsgesprekGemist']);
    expect(preview.fromVersion).toBeUndefined();
    expect(preview.toVersion).toBe('2023-01');
    // Evaluations every four months instead of six: more invitations before the earliest conversion.
    expect(preview.invitationsAdded.length).toBeGreaterThan(0);
    expect(preview.earliestConversion.to).toBe(preview.earliestConversion.from);
  });
});

describe('a covenant change that is not allowed is refused, typed, and changes nothing', () => {
  const state = initialModel(v2021);
  const at = changeTime(state);

  test('from a role the covenant does not let migrate', () => {
    const decision = decideCovenantChange(
      state.snapshot,
      { actor: actorFor(v2021, 'zorgaanbieder'), covenant: v2023, reason },
      at,
    );
    expect(decision).toMatchObject({ ok: false, refusal: { code: 'RoleNotPermitted', rule: 'migration' } });
  });

  test('without a reason', () => {
    const decision = decideCovenantChange(state.snapshot, { actor: gemeente, covenant: v2023 }, at);
    expect(decision).toMatchObject({ ok: false, refusal: { code: 'InvalidEventData', rule: 'schema' } });
    if (!decision.ok) expect(decision.refusal.issues?.map((i) => i.field)).toEqual(['reason']);
  });

  test('onto another region, or onto the version it is on', () => {
    const other = decideCovenantChange(
      state.snapshot,
      { actor: gemeente, covenant: { ...v2023, id: 'amsterdam' }, reason },
      at,
    );
    expect(other).toMatchObject({ ok: false, refusal: { code: 'InvalidEventData', rule: 'covenant.id' } });
    const migrated = takeEvent(state.snapshot, state.timers, changeEvent(state, at)).snapshot;
    const again = decideCovenantChange(migrated, { actor: gemeente, covenant: v2023, reason }, at);
    expect(again).toMatchObject({
      ok: false,
      refusal: { code: 'NotAllowedInPhase', rule: 'covenant.version' },
    });
  });

  test('a covenant that names other migrators is obeyed', () => {
    const byCareProvider = { ...v2021, migration: ['zorgaanbieder' as const] };
    const traject = initialModel(byCareProvider);
    expect(
      decideCovenantChange(
        traject.snapshot,
        { actor: actorFor(v2021, 'zorgaanbieder'), covenant: v2023, reason },
        at,
      ).ok,
    ).toBe(true);
    expect(decideCovenantChange(traject.snapshot, { actor: gemeente, covenant: v2023, reason }, at).ok).toBe(
      false,
    );
  });
});
