/**
 * A what-if scenario: a synthetic caseload run through the pure traject machine. Every rate in one validated object,
 * each with where it comes from: the articles (seeds/) where they give a figure, an assumption everywhere else, to be
 * replaced by the partners' own numbers when they have them.
 */
import { z } from 'zod';

const probability = z.number().min(0).max(1);
const perYear = z.number().min(0).max(52);
const range = (max: number) =>
  z
    .object({ min: z.number().min(0).max(max), max: z.number().min(0).max(max) })
    .strict()
    .refine((r) => r.min <= r.max, { message: 'min must not exceed max' });

/**
 * The rates of a scenario. Hazards (`…PerYear`) are per client and year, scaled per client by a vulnerability
 * drawn uniformly from [0, 1) as `rate × (0.5 + vulnerability)`, so that the same clients relapse, fall behind on
 * rent and score `zorg` on their indicators: what lets the figures show which indicators come before an ending.
 */
export const RatesSchema = z
  .object({
    /** Share of clients coming from beschermd wonen (the rest from the maatschappelijke opvang). Assumption. */
    bwShare: probability.default(0.5),
    /** Days from registration to consent, at most. Assumption. */
    consentDays: z.number().min(0).max(365).default(14),
    /** Days from consent to the urgency request, at most. Assumption. */
    urgencyRequestDays: z.number().min(0).max(365).default(30),
    /** Days the municipality takes to decide; beyond the covenant's 8 weeks escalates. Assumption. */
    urgencyDecisionDays: range(365).default({ min: 14, max: 70 }),
    /** Share of urgency requests refused. Assumption. */
    urgencyRefusal: probability.default(0.1),
    /** Clients who withdraw while waiting for a home, per year of waiting. Assumption. */
    withdrawalPerYearWaiting: perYear.default(0.1),
    /** Days a client takes to answer an offer, at most. Assumption. */
    offerAnswerDays: z.number().min(0).max(60).default(7),
    /**
     * Share of offers refused. Assumption; seed 003: the matcher "cannot always meet every wish" and Almere has many
     * family homes unsuited to these clients.
     */
    offerRefusal: probability.default(0.2),
    /**
     * Days a home stays available when nobody in the covenant is waiting; then it goes to another urgent group.
     * Assumption; seed 003 names "statushouders" competing for the same homes.
     */
    vacantOfferDays: z.number().min(0).max(365).default(30),
    /** Share advised an omklapcontract (the rest a driepartijenovereenkomst). Assumption; seed 000 asks how to choose. */
    omklapcontractShare: probability.default(0.5),
    /** Days from accepting an offer to signing the contract (moving in). Assumption. */
    signingDays: range(365).default({ min: 14, max: 42 }),
    /**
     * Share of kennismakings- and evaluatiegesprekken held within their window; of the rest, three in four late and
     * one in four not at all. Assumption; seed 000: inviting everyone in time is an open question.
     */
    meetingInTime: probability.default(0.8),
    /** Days after the due date a late meeting is held, at most. Assumption. */
    meetingLateDays: z.number().min(1).max(365).default(30),
    /**
     * Nuisance reports per client and year. A rough reading of seed 003 ("laatst was er voor het eerst sprake van
     * overlast" after about a year with some 27 tenants: about one report in a dozen tenant-years).
     */
    nuisancePerYear: perYear.default(0.08),
    /** Share of nuisance reports answered within the covenant's first-response term. Assumption. */
    nuisanceAnsweredInTime: probability.default(0.8),
    /** Days to settle a nuisance report; beyond 10 working days goes to case consultation. Assumption. */
    nuisanceSettledDays: range(365).default({ min: 2, max: 20 }),
    /** Rent arrears signalled per client and year. Assumption; seed 000 names reducing arrears an open question. */
    arrearsPerYear: perYear.default(0.25),
    /** Days to resolve rent arrears; beyond the covenant's 4-week follow-up escalates. Assumption. */
    arrearsResolvedDays: range(730).default({ min: 7, max: 60 }),
    /**
     * Relapses per client and year once housed. Assumption; seed 003: many lose their balance after moving out, which
     * raises the chance of a relapse.
     */
    relapsePerYear: perYear.default(0.2),
    /** Days in a time-out place. Assumption; seed 003: "een korte break". */
    timeoutDays: range(365).default({ min: 7, max: 42 }),
    /** Temporary contracts ended per client and year (besides an evaluation advising to end). Assumption. */
    contractEndPerYear: perYear.default(0.03),
    /** Days after the earliest conversion date that the partners agree, at most. Assumption. */
    conversionDelayDays: z.number().min(0).max(365).default(30),
    /** Months after conversion that support is scaled down to waakvlam. Assumption. */
    scaleDownAfterMonths: range(120).default({ min: 1, max: 6 }),
    /** Share of waakvlam months with more contact than the budget (2 hours, seed 003). Assumption. */
    waakvlamOverBudget: probability.default(0.1),
    /** Months of waakvlam before the traject is closed. Assumption. */
    closeAfterWaakvlamMonths: range(120).default({ min: 6, max: 12 }),
  })
  .strict();
export type Rates = z.infer<typeof RatesSchema>;

/** A what-if scenario: who arrives, how many homes come free, and how the trajects go. */
export const ScenarioSchema = z
  .object({
    /** The covenant whose rules (terms, parties) the machine runs with. */
    covenant: z.string().default('almere'),
    /** Clients registered over the run, at random moments (uniformly). */
    clients: z.number().int().min(1).max(100_000).default(200),
    years: z.number().int().min(1).max(10).default(3),
    /** The first day of the run (UTC). */
    start: z.iso.date().default('2026-01-01'),
    /**
     * Homes offered per month across the covenant's corporations: one shared queue, in order of urgency request.
     * Default 2.5, from seed 003: "zo'n 27 mensen" moved out in the covenant's first year or so (October 2021 to
     * September 2022); "40 without the housing crisis" would be about 3.6.
     */
    offersPerMonth: z.number().positive().max(1000).default(2.5),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    rates: RatesSchema.default(RatesSchema.parse({})),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** The scenario parameters a `--compare name=value` may change, by their command-line name. */
export const comparableParameters: Record<string, (scenario: Scenario, value: number) => ScenarioInput> = {
  'offers-per-month': (s, v) => ({ ...s, offersPerMonth: v }),
  clients: (s, v) => ({ ...s, clients: v }),
  years: (s, v) => ({ ...s, years: v }),
  ...Object.fromEntries(
    Object.keys(RatesSchema.shape).map((rate) => [
      rate,
      (s: Scenario, v: number): ScenarioInput => ({ ...s, rates: { ...s.rates, [rate]: v } }),
    ]),
  ),
};
