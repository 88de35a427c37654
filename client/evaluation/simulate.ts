/**
 * The what-if simulation: a synthetic caseload run through the pure traject machine, without Temporal. Clients
 * arrive, ask for urgency, wait in one shared queue for the homes the corporations offer, move in, meet, relapse,
 * cause nuisance, fall behind on rent, convert and scale down, at the scenario's rates; the machine's own timers fire
 * (reminders, escalations, invitations) exactly as the workflow's would. What comes out is one event log per traject
 * and its facts, recorded as it runs by the `TrajectFactsBuilder` behind `factsFromEventLog`, so `evaluationFigures`
 * counts them as it will count live trajects.
 *
 * Deterministic per seed. Each client draws from streams of its own (one per purpose), so two scenarios that differ
 * only in the offer supply put the same clients through the same fortunes, and differ only where the supply matters.
 */
import { seededRandom, type Random } from '../../bench/random';
import {
  addDuration,
  defaultOrganisation,
  indicators,
  presetCovenants,
  rolesWithoutOrganisation,
  type Actor,
  type CoordinatorEvent,
  type Covenant,
  type Effect,
  type Role,
  type TrajectInput,
} from '../../machines';
import { InvalidInput } from '../errors';
import type { TrajectFacts } from './facts';
import { TrajectFactsBuilder, type TrajectEventLog } from './facts-from-log';
import { ScenarioSchema, type Scenario, type ScenarioInput } from './scenario';

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const MONTH = YEAR / 12;

type EventType = CoordinatorEvent['type'];

interface Client {
  index: number;
  input: TrajectInput;
  /** Streams of its own: the offers it answers, and everything after it moved in. */
  offerRandom: Random;
  lifeRandom: Random;
  /** 0 (steady) to 1 (fragile): scales the hazards and the indicator scores. */
  vulnerability: number;
  /** The client's traject on the machine, its facts recorded as it goes. */
  traject: TrajectFactsBuilder;
  events: CoordinatorEvent[];
  /** The earliest wake-up already in the agenda for this client's timers. */
  wakeAt: number;
  requestedAt: number;
  lastNuisance: number;
  lastArrears: number;
}

interface Home {
  ref: string;
  corporation: string;
  refusedBy: Set<number>;
  availableUntil: number;
}

interface AgendaItem {
  at: number;
  seq: number;
  run: () => void;
}

/** A binary min-heap on (at, seq): the simulation's agenda. */
class Agenda {
  private readonly items: AgendaItem[] = [];
  private seq = 0;
  add(at: number, run: () => void): void {
    const item = { at, seq: (this.seq += 1), run };
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  take(): AgendaItem | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
const before = (x: AgendaItem, y: AgendaItem) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

const between = (random: Random, min: number, max: number) => min + random.next() * (max - min);
/** Waiting time of a Poisson process with `perYear` events a year, in ms (Infinity for a zero rate). */
const exponential = (random: Random, perYear: number) =>
  perYear > 0 ? (-Math.log(1 - random.next()) / perYear) * YEAR : Number.POSITIVE_INFINITY;
const iso = (ms: number) => new Date(ms).toISOString();
/** A stream per client and purpose, from the run's seed. */
const streamSeed = (seed: number, index: number, purpose: number) =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35) + purpose * 0x27d4eb2f) >>> 0;

/** What a simulation run produced: the scenario as validated, and per traject its event log and its facts. */
export interface SimulationResult {
  scenario: Scenario;
  from: string;
  until: string;
  logs: TrajectEventLog[];
  /**
   * The facts as of the run's end, recorded while it ran by the same `TrajectFactsBuilder` that
   * `factsFromEventLog` uses: equal to `factsFromEventLog(log, { asOf: until })` for each log (tested), without
   * running the machine a second time.
   */
  facts: TrajectFacts[];
}

/** Runs a scenario: one event log per client, from the scenario's start to its end. */
export function simulate(input: ScenarioInput): SimulationResult {
  const scenario = ScenarioSchema.parse(input);
  const covenant: Covenant | undefined = presetCovenants[scenario.covenant];
  if (!covenant)
    throw new InvalidInput(`unknown covenant ${scenario.covenant}`, [
      { field: 'covenant', message: `one of ${Object.keys(presetCovenants).join(', ')}` },
    ]);
  const { rates } = scenario;
  const start = Date.parse(`${scenario.start}T00:00:00.000Z`);
  const end = Date.parse(addDuration(iso(start), `P${scenario.years}Y`));
  const agenda = new Agenda();
  const runRandom = seededRandom(streamSeed(scenario.seed, -1, 0));
  const corporations = covenant.parties.filter((p) => p.role === 'corporatie').map((p) => p.organisation);
  const actor = (role: Role, organisation?: string): Actor =>
    rolesWithoutOrganisation.includes(role)
      ? { role, personId: `sim-${role}` }
      : {
          role,
          organisation: organisation ?? defaultOrganisation(covenant, role) ?? role,
          personId: `sim-${role}`,
        };

  const clients: Client[] = [];
  const waiting: Client[] = [];
  let vacant: Home[] = [];

  /** Fires the client's timers due at or before `at`; the builder hands what they ask for to `react`. */
  const fireUntil = (client: Client, at: number) => {
    client.traject.advanceTo(iso(at));
    scheduleWake(client);
  };
  const scheduleWake = (client: Client) => {
    const next = client.traject.nextTimerAt;
    if (next === null) return;
    const at = Date.parse(next);
    if (at >= client.wakeAt || at > end) return;
    client.wakeAt = at;
    agenda.add(at, () => {
      if (client.wakeAt === at) client.wakeAt = Number.POSITIVE_INFINITY;
      fireUntil(client, at);
    });
  };

  /**
   * Sends one event for the client at `at`, if the machine takes it now; returns whether it did. The sender is the
   * role the covenant permits: `role` when it may, else the first role it names for the event.
   */
  const send = (client: Client, at: number, type: EventType, role: Role, data: object = {}, org?: string) => {
    fireUntil(client, at);
    if (client.traject.snapshot.status !== 'active') return false;
    const permitted = covenant.permissions[type] ?? [];
    const sender = permitted.includes(role) ? actor(role, org) : actor(permitted[0] ?? role);
    const event = { type, actor: sender, at: iso(at), data } as CoordinatorEvent;
    if (!client.traject.take(event)) return false;
    client.events.push(event);
    scheduleWake(client);
    return true;
  };
  const later = (at: number, run: () => void) => {
    if (at < end) agenda.add(at, run);
  };

  /** The partners' answer to what the machine asks: meetings held (in time or not), waakvlam contact logged. */
  const react = (client: Client, effect: Effect) => {
    const r = client.lifeRandom;
    if (effect.type === 'inviteKennismakingsgesprek' || effect.type === 'inviteEvaluatiegesprek') {
      const { meeting, opens, dueBy } = effect.params;
      const draw = r.next();
      const held =
        draw < rates.meetingInTime
          ? between(r, Date.parse(opens), Date.parse(dueBy))
          : draw < rates.meetingInTime + (1 - rates.meetingInTime) * 0.75
            ? Date.parse(dueBy) + between(r, DAY, rates.meetingLateDays * DAY)
            : Number.POSITIVE_INFINITY;
      later(held, () => {
        if (!send(client, held, 'GESPREK_GEVOERD', 'zorgaanbieder', { meeting })) return;
        if (meeting === 'evaluatiegesprek') later(held + DAY, () => recordEvaluation(client, held + DAY));
      });
    } else if (effect.type === 'requestWaakvlamContact') {
      logContact(client, Date.parse(effect.params.periodStart));
    }
  };

  const logContact = (client: Client, periodStart: number) => {
    const r = client.lifeRandom;
    const over = r.next() < rates.waakvlamOverBudget;
    const budget = covenant.terms.waakvlamContactBudgetHours;
    const hours = Math.round(2 * (over ? between(r, budget + 0.5, budget * 2) : between(r, 0.5, budget))) / 2;
    const at = periodStart + between(r, 2 * DAY, 25 * DAY);
    later(at, () => send(client, at, 'CONTACT_GELOGD', 'zorgaanbieder', { hours: Math.max(0.5, hours) }));
  };

  const recordEvaluation = (client: Client, at: number) => {
    const r = client.lifeRandom;
    const v = client.vulnerability;
    const scores = Object.fromEntries(
      indicators.map((indicator) => {
        if (indicator === 'huurbetaling' && at - client.lastArrears < 6 * MONTH)
          return [indicator, client.traject.snapshot.context.arrears ? 'zorg' : 'aandacht'];
        if (indicator === 'overlast' && at - client.lastNuisance < 6 * MONTH) return [indicator, 'aandacht'];
        const u = r.next();
        return [indicator, u < 0.35 * v ? 'zorg' : u < 0.7 * v ? 'aandacht' : 'goed'];
      }),
    );
    const zorg = Object.values(scores).filter((s) => s === 'zorg').length;
    const earliest = client.traject.snapshot.context.contract.earliestConversion;
    const termNear = earliest !== undefined && at >= Date.parse(earliest) - 2 * MONTH;
    const advice = zorg >= 4 ? 'beeindigen' : zorg <= 1 && termNear ? 'omklappen' : 'verlengen';
    if (!send(client, at, 'EVALUATIE_VASTGELEGD', 'zorgaanbieder', { indicators: scores, advice })) return;
    if (advice === 'beeindigen') {
      later(at + MONTH, () =>
        send(client, at + MONTH, 'CONTRACT_BEEINDIGD', 'corporatie', { reason: 'ontbinding' }),
      );
    } else if (advice === 'omklappen' && earliest) {
      const agreed =
        Math.max(at, Date.parse(client.traject.snapshot.context.contract.earliestConversion ?? earliest)) +
        between(r, DAY, rates.conversionDelayDays * DAY + DAY);
      // Each signatory the covenant names agrees, a day apart; the last agreement converts the lease.
      const agree = (signatory: number, day: number) =>
        later(day, () => {
          const role = covenant.conversionSignatories[signatory];
          if (!role || !send(client, day, 'OMKLAPPEN_AKKOORD', role)) return;
          if (signatory + 1 < covenant.conversionSignatories.length) agree(signatory + 1, day + DAY);
          else scaleDown(client, day);
        });
      agree(0, agreed);
    }
  };

  const scaleDown = (client: Client, convertedAt: number) => {
    const r = client.lifeRandom;
    const at =
      convertedAt + between(r, rates.scaleDownAfterMonths.min, rates.scaleDownAfterMonths.max) * MONTH;
    later(at, () => {
      if (!send(client, at, 'BEGELEIDING_AFGESCHAALD', 'zorgaanbieder')) return;
      logContact(client, at);
      const close =
        at + between(r, rates.closeAfterWaakvlamMonths.min, rates.closeAfterWaakvlamMonths.max) * MONTH;
      later(close, () => send(client, close, 'TRAJECT_AFGESLOTEN', 'zorgaanbieder'));
    });
  };

  /** A recurring risk while housed: each occurrence schedules the next. */
  const hazard = (client: Client, from: number, perYear: number, occur: (at: number) => void) => {
    const at = from + exponential(client.lifeRandom, perYear * (0.5 + client.vulnerability));
    later(at, () => {
      if (client.traject.snapshot.status !== 'active') return;
      occur(at);
      hazard(client, at, perYear, occur);
    });
  };

  const movedIn = (client: Client, at: number) => {
    const r = client.lifeRandom;
    hazard(client, at, rates.relapsePerYear, (t) => {
      if (!send(client, t, 'TERUGVAL_GEMELD', 'zorgaanbieder')) return;
      const back = t + between(r, rates.timeoutDays.min, rates.timeoutDays.max) * DAY;
      later(back, () => send(client, back, 'TIMEOUT_BEEINDIGD', 'zorgaanbieder'));
    });
    hazard(client, at, rates.nuisancePerYear, (t) => {
      const severity = (['laag', 'midden', 'hoog'] as const)[r.below(3)];
      if (!send(client, t, 'OVERLAST_GEMELD', 'buurtbewoner', { severity })) return;
      client.lastNuisance = t;
      const report = client.traject.snapshot.context.nuisance.open.at(-1);
      if (!report) return;
      const due = Date.parse(report.responseDue);
      const answered =
        r.next() < rates.nuisanceAnsweredInTime ? between(r, t, due) : due + between(r, DAY / 4, 5 * DAY);
      const settled = Math.max(
        answered + DAY,
        t + between(r, rates.nuisanceSettledDays.min, rates.nuisanceSettledDays.max) * DAY,
      );
      later(answered, () =>
        send(client, answered, 'OVERLAST_OPGEPAKT', 'corporatie', { reportId: report.id }),
      );
      later(settled, () =>
        send(client, settled, 'OVERLAST_AFGEHANDELD', 'corporatie', { reportId: report.id }),
      );
    });
    hazard(client, at, rates.arrearsPerYear, (t) => {
      if (!send(client, t, 'HUURACHTERSTAND_GESIGNALEERD', 'corporatie', { months: 1 + r.below(3) })) return;
      client.lastArrears = t;
      const resolved = t + between(r, rates.arrearsResolvedDays.min, rates.arrearsResolvedDays.max) * DAY;
      later(resolved, () => send(client, resolved, 'HUURACHTERSTAND_OPGELOST', 'corporatie'));
    });
    hazard(client, at, rates.contractEndPerYear, (t) => {
      if (!client.traject.snapshot.context.contract.convertedAt)
        send(client, t, 'CONTRACT_BEEINDIGD', 'corporatie', { reason: 'opzegging' });
    });
  };

  /** The shared queue: a home goes to the client who asked for urgency first and has not refused it. */
  const dispatch = (home: Home, at: number) => {
    for (const client of waiting) {
      if (home.refusedBy.has(client.index)) continue;
      if (
        !send(
          client,
          at,
          'WONING_AANGEBODEN',
          'corporatie',
          { homeRef: home.ref, wijkbeheerderConsulted: false },
          home.corporation,
        )
      )
        continue;
      waiting.splice(waiting.indexOf(client), 1);
      const answer = at + between(client.offerRandom, DAY / 4, rates.offerAnswerDays * DAY);
      const refuses = client.offerRandom.next() < rates.offerRefusal;
      later(answer, () => {
        if (refuses) {
          if (!send(client, answer, 'AANBOD_GEWEIGERD', 'client', { reason: 'nietPassend' })) return;
          home.refusedBy.add(client.index);
          enqueue(client, answer);
          dispatch(home, answer);
          return;
        }
        if (!send(client, answer, 'AANBOD_GEACCEPTEERD', 'client')) return;
        const r = client.lifeRandom;
        const forms = covenant.contractForms;
        const form =
          forms.length === 1
            ? forms[0]
            : r.next() < rates.omklapcontractShare
              ? 'omklapcontract'
              : 'driepartijenovereenkomst';
        const advised = answer + between(r, DAY / 4, 7 * DAY);
        const signed = advised + between(r, rates.signingDays.min, rates.signingDays.max) * DAY;
        later(advised, () => send(client, advised, 'CONTRACTVORM_GEADVISEERD', 'zorgaanbieder', { form }));
        later(signed, () => {
          if (send(client, signed, 'CONTRACT_GETEKEND', 'corporatie', { form }, home.corporation))
            movedIn(client, signed);
        });
      });
      return;
    }
    home.availableUntil = at + rates.vacantOfferDays * DAY;
    vacant.push(home);
  };

  /** A client joins (or rejoins) the queue, in order of urgency request, and takes a vacant home if one waits. */
  const enqueue = (client: Client, at: number) => {
    let i = waiting.length;
    while (i > 0 && waiting[i - 1]!.requestedAt > client.requestedAt) i -= 1;
    waiting.splice(i, 0, client);
    vacant = vacant.filter((h) => h.availableUntil >= at);
    const home = vacant.find((h) => !h.refusedBy.has(client.index));
    if (home) {
      vacant.splice(vacant.indexOf(home), 1);
      dispatch(home, at);
    }
  };

  // Arrivals: uniformly over the run, in order.
  const arrivals = Array.from(
    { length: scenario.clients },
    () => start + runRandom.next() * (end - start),
  ).sort((a, b) => a - b);
  for (const [index, arrival] of arrivals.entries()) {
    const setup = seededRandom(streamSeed(scenario.seed, index, 1));
    const input: TrajectInput = {
      trajectRef: `sim-${String(index + 1).padStart(5, '0')}`,
      origin: setup.next() < rates.bwShare ? 'BW' : 'MO',
      covenant,
      registeredAt: iso(arrival),
      registeredBy: actor('zorgaanbieder'),
    };
    const client: Client = {
      index,
      input,
      offerRandom: seededRandom(streamSeed(scenario.seed, index, 2)),
      lifeRandom: seededRandom(streamSeed(scenario.seed, index, 3)),
      vulnerability: setup.next(),
      // Set right below: the builder's effects go to `react`, which needs the client.
      traject: undefined as unknown as TrajectFactsBuilder,
      events: [],
      wakeAt: Number.POSITIVE_INFINITY,
      requestedAt: Number.POSITIVE_INFINITY,
      lastNuisance: Number.NEGATIVE_INFINITY,
      lastArrears: Number.NEGATIVE_INFINITY,
    };
    client.traject = new TrajectFactsBuilder(input, { onEffect: (effect) => react(client, effect) });
    clients.push(client);
    const consent = arrival + setup.next() * rates.consentDays * DAY;
    const request = consent + setup.next() * rates.urgencyRequestDays * DAY;
    const decision =
      request + between(setup, rates.urgencyDecisionDays.min, rates.urgencyDecisionDays.max) * DAY;
    const refused = setup.next() < rates.urgencyRefusal;
    const withdrawal = decision + exponential(setup, rates.withdrawalPerYearWaiting);
    later(consent, () => send(client, consent, 'INSTEMMING_GEGEVEN', 'client'));
    later(request, () => {
      if (send(client, request, 'URGENTIE_AANGEVRAAGD', 'zorgaanbieder')) client.requestedAt = request;
    });
    later(decision, () => {
      if (refused) send(client, decision, 'URGENTIE_AFGEWEZEN', 'gemeente', { reason: 'geenUrgentie' });
      else if (send(client, decision, 'URGENTIE_TOEGEKEND', 'gemeente', { searchProfile: { districts: [] } }))
        enqueue(client, decision);
    });
    later(withdrawal, () => {
      if (!waiting.includes(client)) return;
      if (send(client, withdrawal, 'INGETROKKEN', 'client', { reason: 'client' }))
        waiting.splice(waiting.indexOf(client), 1);
    });
  }

  // Supply: homes come free evenly over each month, from the corporations in turn.
  const spacing = MONTH / scenario.offersPerMonth;
  for (let k = 0, at = start + spacing / 2; at < end; k += 1, at += spacing) {
    const home: Home = {
      ref: `woning-${String(k + 1).padStart(5, '0')}`,
      corporation: corporations[k % Math.max(1, corporations.length)] ?? 'corporatie',
      refusedBy: new Set(),
      availableUntil: at,
    };
    const now = at;
    agenda.add(now, () => dispatch(home, now));
  }

  for (let item = agenda.take(); item; item = agenda.take()) item.run();
  for (const client of clients) fireUntil(client, end);

  return {
    scenario,
    from: iso(start),
    until: iso(end),
    logs: clients.map((c) => ({ registration: c.input, events: c.events })),
    facts: clients.map((c) => c.traject.facts()),
  };
}
