/**
 * A covenant change on the pure machine (CONVENANT_GEWIJZIGD): at every step of Almere's scenarios and of the graph's
 * paths, the traject moves onto almere@2023-01 (shorter terms: deadlines pass, escalations open) and onto a lenient
 * version (longer terms: escalations no longer late close); the re-armed timers and the closed escalations are checked
 * against deadlines computed here from the recorded dates, and the dry run's prediction against what the migration does.
 */
import {
  addDuration,
  addWorkingDays,
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
} from '../../machines';
import { currentCovenantChangeRules } from '../../workflows/patches';
import { actorFor, fireDue, initialModel, type ModelState } from '../support/model';
import { shortestPathsThroughTransitions, shortestPathsToStates } from '../support/paths';
import { runScenario, scenarios } from '../support/scenarios';

const v2021 = resolveCovenant('almere@2021-10')!;
const v2023 = resolveCovenant('almere@2023-01')!;
/** Every term longer than Almere's (a test version): what was late under Almere may be in time under it. */
const lenient: Covenant = {
  ...v2021,
  version: 'test-lenient',
  terms: {
    ...v2021.terms,
    urgencyDecision: 'P16W',
    offerReminder: 'P5M',
    offerEscalation: 'P12M',
    kennismakingsgesprekWithin: 'P8W',
    evaluatiegesprekWithin: 'P8W',
    nuisanceFirstResponseWorkingDays: 5,
    nuisanceEscalationWorkingDays: 20,
    rentArrearsFollowUp: 'P8W',
    waakvlamCheckIn: 'P6W',
  },
};
const gemeente = actorFor(v2021, 'gemeente');
const reason = 'covenant evaluated in 2022 and reworked';

/** A day after the traject's last event: when the partners move it. */
const changeTime = (state: ModelState) => addDuration(state.snapshot.context.lastEventAt, 'P1D');

function changeEvent(state: ModelState, at: string, covenant: Covenant = v2023): CovenantChangedEvent {
  const decision = decideCovenantChange(
    state.snapshot,
    { actor: gemeente, covenant, reason },
    at,
    currentCovenantChangeRules,
  );
  if (!decision.ok) throw new Error(decision.refusal.message);
  return decision.event;
}

/** `anchor + newTerm`, moved as far as the old deadline had been moved from `anchor + oldTerm` (time-outs). */
const recount = (anchor: string, oldTerm: string, newTerm: string, oldDue: string) =>
  shift(addDuration(anchor, newTerm), msBetween(addDuration(anchor, oldTerm), oldDue));

/** Where each running deadline must fall under `to`, from the dates the traject recorded. */
function expectedDue(state: ModelState, timerId: string, oldDue: string, to: Covenant): string {
  const { context } = state.snapshot;
  const old = v2021.terms;
  const terms = to.terms;
  const workingDays = (from: string, days: number) => addWorkingDays(from, days, to.timezone, to.closingDays);
  const report = context.nuisance.open.find((r) => timerId.startsWith(`${r.id}-`));
  if (report) {
    return timerId.endsWith('-reactie')
      ? workingDays(report.reportedAt, terms.nuisanceFirstResponseWorkingDays)
      : workingDays(report.reportedAt, terms.nuisanceEscalationWorkingDays);
  }
  const requested = context.urgency.requestedAt!;
  switch (timerId) {
    case timerIds.urgencyDecision:
      return recount(requested, old.urgencyDecision, terms.urgencyDecision, oldDue);
    case timerIds.offerReminder:
      return recount(requested, old.offerReminder, terms.offerReminder, oldDue);
    case timerIds.offerEscalation:
      return recount(requested, old.offerEscalation, terms.offerEscalation, oldDue);
    case timerIds.kennismakingsgesprek:
      return recount(
        context.kennismaking.invitedAt!,
        old.kennismakingsgesprekWithin,
        terms.kennismakingsgesprekWithin,
        oldDue,
      );
    case timerIds.evaluationInvitation:
      return context.evaluation.invited
        ? addDuration(context.evaluation.opensAt!, terms.evaluatiegesprekInterval)
        : recount(
            context.contract.startedAt!,
            old.evaluatiegesprekInterval,
            terms.evaluatiegesprekInterval,
            oldDue,
          );
    case timerIds.evaluationDue:
      return recount(
        context.evaluation.opensAt!,
        old.evaluatiegesprekWithin,
        terms.evaluatiegesprekWithin,
        oldDue,
      );
    case timerIds.arrearsFollowUp:
      return recount(context.arrears!.since, old.rentArrearsFollowUp, terms.rentArrearsFollowUp, oldDue);
    case timerIds.waakvlamCheckIn:
      return recount(context.waakvlam!.periodStart!, old.waakvlamCheckIn, terms.waakvlamCheckIn, oldDue);
    default:
      throw new Error(`no model for timer ${timerId}`);
  }
}

/**
 * The deadline an open escalation was raised for, under `to`, and the timer that watches it: the model's view (the
 * current window's meeting, the report's own deadlines, the arrears' follow-up). Undefined: no deadline runs for it.
 */
function escalationModel(
  state: ModelState,
  id: string,
  to: Covenant,
): { timer: string; due: string } | undefined {
  const { context } = state.snapshot;
  const [kind, reportId] = id.split(':');
  const model = (timer: string, oldDue: string | undefined) =>
    oldDue === undefined ? undefined : { timer, due: expectedDue(state, timer, oldDue, to) };
  const converted = context.contract.convertedAt !== undefined;
  switch (kind) {
    case 'urgentiebesluitTeLaat':
      return model(timerIds.urgencyDecision, context.urgency.decisionDue);
    case 'aanbodTeLaat':
      return model(timerIds.offerEscalation, context.offer.escalationDue);
    case 'kennismakingsgesprekGemist':
      return converted || context.kennismaking.heldAt
        ? undefined
        : model(timerIds.kennismakingsgesprek, context.kennismaking.due);
    case 'evaluatiegesprekGemist':
      return converted || context.evaluation.heldAt || !context.evaluation.escalated
        ? undefined
        : model(timerIds.evaluationDue, context.evaluation.due);
    case 'overlastZonderReactie':
      return model(
        timerIds.nuisanceResponse(reportId!),
        context.nuisance.open.find((r) => r.id === reportId)?.responseDue,
      );
    case 'overlastOnopgelost':
      return model(
        timerIds.nuisanceEscalation(reportId!),
        context.nuisance.open.find((r) => r.id === reportId)?.escalationDue,
      );
    case 'huurachterstandOnopgelost':
      return model(timerIds.arrearsFollowUp, context.arrears?.followUpDue);
    default:
      return undefined;
  }
}

/** Every timer a migration was checked on, and every escalation kind a change closed, so the paths are seen to reach them. */
const checkedTimers = new Set<string>();
const closedKinds = new Set<string>();

/** Whether the state runs a timer of this id (the meetings' only in the temporary contract, not in a time-out). */
const runs = (state: ModelState, timer: string) => {
  const value = JSON.stringify(state.snapshot.value);
  if (timer === timerIds.kennismakingsgesprek || timer === timerIds.evaluationDue)
    return value.includes('tijdelijk');
  return true;
};

function checkMigrationAt(state: ModelState, label: string, to: Covenant = v2023): void {
  const at = changeTime(state);
  const before = fireDue(state, at);
  if (before.snapshot.status !== 'active') return;
  const event = changeEvent(before, at, to);
  const step = takeEvent(before.snapshot, before.timers, event);

  // Open escalations whose deadline now lies after the change close, with the reason; their timer runs again.
  const open = before.snapshot.context.escalations;
  const closing = open.filter((e) => {
    const model = escalationModel(before, e.id, to);
    return model !== undefined && model.due > at;
  });
  expect({ label, open: step.snapshot.context.escalations.map((e) => e.id) }).toEqual({
    label,
    open: open.filter((e) => !closing.includes(e)).map((e) => e.id),
  });
  const closedNow = (step.snapshot.context.closedEscalations ?? []).slice(
    (before.snapshot.context.closedEscalations ?? []).length,
  );
  expect(closedNow).toEqual(
    closing.map((e) => ({
      ...e,
      closedAt: at,
      reason: 'convenantGewijzigd',
      version: to.version,
      dueAt: escalationModel(before, e.id, to)!.due,
    })),
  );
  const rearmed = new Set<string>();
  for (const e of closing) {
    closedKinds.add(e.kind);
    const { timer, due } = escalationModel(before, e.id, to)!;
    if (!runs(before, timer)) continue;
    rearmed.add(timer);
    expect({ label, timer, due: step.timers.find((t) => t.id === timer)?.event.at }).toEqual({
      label,
      timer,
      due,
    });
  }

  // The timers that ran still run, and only those (and the ones of closed escalations); each at its recounted
  // deadline, at once when that has passed.
  expect({ label, ids: step.timers.map((t) => t.id).sort() }).toEqual({
    label,
    ids: [...new Set([...before.timers.map((t) => t.id), ...rearmed])].sort(),
  });
  for (const timer of before.timers) {
    checkedTimers.add(timer.id.replace(/^overlast-\d+/, 'overlast'));
    const due = expectedDue(before, timer.id, timer.event.at, to);
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
  expect(step.snapshot.context.covenant).toEqual(to);
  expect(step.snapshot.value).toEqual(before.snapshot.value);

  // The dry run predicts exactly what the migration and its overdue deadlines leave behind: the escalations it closes
  // and the ones that open because a deadline now lies in the past.
  const preview = previewMigration(before.snapshot, before.timers, event);
  const migrated = fireDue({ ...before, snapshot: step.snapshot, timers: step.timers }, at);
  expect(preview.after.timers).toEqual(migrated.timers);
  expect(preview.after.snapshot.context).toEqual(migrated.snapshot.context);
  const ids = (s: ModelState) => s.snapshot.context.escalations.map((e) => e.id);
  expect(preview.escalationsClosed).toEqual(ids(before).filter((id) => !ids(migrated).includes(id)));
  expect(preview.escalationsOpened).toEqual(ids(migrated).filter((id) => !ids(before).includes(id)));
  expect(preview.escalationsClosed).toEqual(expect.arrayContaining(closing.map((e) => e.id)));
  const moved = preview.deadlines.map((d) => [d.timer, d.to]);
  const changed = step.timers
    .filter((t) => before.timers.find((b) => b.id === t.id)?.fireAt !== t.fireAt)
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
  test('onto longer terms at every step: escalations no longer late close', () => {
    const run = runScenario(scenario);
    run.trace.forEach(({ state, step }, i) =>
      checkMigrationAt(state, `step ${i} ${step.type ?? 'wait'}`, lenient),
    );
  });
});

describe('graph paths of the Almere covenant: to every state, and through every transition', () => {
  const paths = [...shortestPathsToStates(v2021), ...shortestPathsThroughTransitions(v2021)];
  test.each(paths.map((p) => [p.name, p] as const))('%s', (_name, path) => {
    path.steps.forEach((s, i) => {
      const state = (s.state as unknown as { context: ModelState }).context;
      checkMigrationAt(state, `${path.name} #${i}`);
      checkMigrationAt(state, `${path.name} #${i} (lenient)`, lenient);
    });
  });
});

test('the paths closed every kind of escalation a deadline opens, under longer terms', () => {
  expect([...closedKinds].sort()).toEqual(
    [
      'aanbodTeLaat',
      'evaluatiegesprekGemist',
      'huurachterstandOnopgelost',
      'kennismakingsgesprekGemist',
      'overlastOnopgelost',
      'overlastZonderReactie',
      'urgentiebesluitTeLaat',
    ].sort(),
  );
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
