/**
 * A covenant (convenant) is the policy of one regional partnership: every duration, count, contract form
 * and role permission the machine uses. Nothing of this is a literal in machine or workflow code.
 */
import { z } from 'zod';
import {
  covenantTermProblems,
  durationLength,
  isCalendarDate,
  isTimeZone,
  MAX_CLOSING_DAYS,
  termMaxima,
  workingDayMaxima,
  valueAt,
  type CovenantProblem,
} from './covenant-terms';
import { isoDuration } from './duration';
import {
  ContractFormSchema,
  CoordinatorEventTypeSchema,
  coordinatorEventTypes,
  EscalationKindSchema,
  MeetingKindSchema,
  RoleSchema,
} from './vocabulary';

/** An ISO 8601 duration such as `P3M`, `P2W` or `PT30S`. */
export const DurationSchema = z
  .string()
  .regex(isoDuration, { message: 'expected an ISO 8601 duration such as P3M, P4W, P10D or PT30S' });

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a time of day such as 09:00' });
const organisation = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 .&'-]{0,63}$/, {
  message: "expected an organisation code (letters, digits, spaces, . & ' -)",
});

const roleList = z.array(RoleSchema).min(1, { message: 'name at least one role' });

/** One value a covenant version changed, with its source. */
const CovenantChangeSourceSchema = z
  .object({
    /** The changed value's path, such as `terms.kennismakingsgesprekWithin`. */
    field: z.string().regex(/^[A-Za-z][A-Za-z0-9.]{0,79}$/, { message: 'expected a field path' }),
    source: z.string().min(1).max(200),
    assumption: z.boolean().default(false),
  })
  .strict();

const TermsSchema = z
  .object({
    urgencyDecision: DurationSchema.describe(
      'the municipality decides on an urgency request within this time',
    ),
    offerReminder: DurationSchema.describe(
      'reminder to the corporations when no home was offered, counted from the urgency request',
    ),
    offerEscalation: DurationSchema.describe(
      'escalation when no home was offered, counted from the urgency request',
    ),
    minimumTerm: z
      .object({ omklapcontract: DurationSchema, driepartijenovereenkomst: DurationSchema })
      .strict(),
    minimumEvaluations: z
      .object({ omklapcontract: z.number().int().min(0), driepartijenovereenkomst: z.number().int().min(0) })
      .strict(),
    extension: DurationSchema.describe(
      'an extended temporary contract converts no earlier than this after the extension',
    ),
    kennismakingsgesprekWithin: DurationSchema,
    evaluatiegesprekInterval: DurationSchema,
    evaluatiegesprekWithin: DurationSchema,
    nuisanceFirstResponseWorkingDays: z
      .number()
      .int()
      .min(1)
      .max(workingDayMaxima.nuisanceFirstResponseWorkingDays),
    nuisanceEscalationWorkingDays: z
      .number()
      .int()
      .min(1)
      .max(workingDayMaxima.nuisanceEscalationWorkingDays),
    rentArrearsFollowUp: DurationSchema,
    waakvlamCheckIn: DurationSchema,
    waakvlamContactBudgetHours: z.number().positive().max(744),
  })
  .strict()
  // Zod runs these refinements even when a field above failed, so they check what they read.
  .superRefine((terms, ctx) => {
    const reminder = durationLength(terms.offerReminder);
    const escalation = durationLength(terms.offerEscalation);
    if (reminder > escalation) {
      ctx.addIssue({
        code: 'custom',
        path: ['offerReminder'],
        message: 'the offer reminder must come before the offer escalation',
      });
    }
    if (Number(terms.nuisanceFirstResponseWorkingDays) > Number(terms.nuisanceEscalationWorkingDays)) {
      ctx.addIssue({
        code: 'custom',
        path: ['nuisanceFirstResponseWorkingDays'],
        message: 'the first response is due before the escalation',
      });
    }
  });

/** Which roles may send each coordinator event. Every event must be listed. */
const PermissionsSchema = z.record(CoordinatorEventTypeSchema, roleList);

export const CovenantSchema = z
  .object({
    /** The region's id, used as `--region` and in the search attribute (kebab-case). */
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, { message: 'expected a kebab-case id such as almere' }),
    name: z.string().min(1).max(80),
    /** Seed articles or other sources this covenant is read from. */
    sources: z.array(z.string()).default([]),
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'expected an IANA time zone such as Europe/Amsterdam' }),
    /** The partner organisations per role; the first of a role is its default. */
    parties: z.array(z.object({ role: RoleSchema, organisation }).strict()).min(1),
    contractForms: z.array(ContractFormSchema).min(1, { message: 'allow at least one contract form' }),
    terms: TermsSchema,
    /** Both must agree before a temporary contract converts (omklappen). */
    conversionSignatories: roleList,
    permissions: PermissionsSchema,
    escalationTargets: z.record(EscalationKindSchema, roleList),
    /** Who may have a traject's data erased (right to erasure, GDPR art. 17): its data key is destroyed. */
    erasure: roleList,
    /** Who is asked to help when rent arrears are signalled (Amsterdam agreement 7, financial management). */
    financialSupportBy: roleList,
    /** Who is invited to each meeting: the invitation's attendees, by role. */
    meetingAttendees: z.record(MeetingKindSchema, roleList),
    /** Office hours decide who receives a neighbour's report (seed 004: office hours or weekends?). */
    officeHours: z
      .object({
        days: z.array(z.number().int().min(1).max(7)).min(1),
        from: clock,
        until: clock,
      })
      .strict(),
    neighbourReportRouting: z
      .object({ duringOfficeHours: RoleSchema, outsideOfficeHours: RoleSchema })
      .strict(),
    /**
     * Days nobody works (public holidays, and days the partners close, such as 24 December): working-day terms skip
     * them. `tidw covenant closing-days` writes the public holidays; a covenant adds its own. Optional, because
     * trajecten started before closing days existed carry covenants without them: none, then.
     */
    closingDays: z
      .array(z.string().refine(isCalendarDate, { message: 'expected a date such as 2027-12-24' }))
      .max(MAX_CLOSING_DAYS, { message: `at most ${MAX_CLOSING_DAYS} closing days` })
      .optional(),
    /**
     * The version of the region's covenant, `YYYY-MM` (`almere@2023-01`). Optional, like everything below: covenants
     * of trajecten started before versions existed have none (their region's first version, see covenants/versions).
     */
    version: z
      .string()
      .regex(/^\d{4}-\d{2}$/, { message: 'expected a version such as 2023-01' })
      .optional(),
    /** The day this version takes effect for new trajecten; running ones move only by an explicit migration. */
    effectiveFrom: z
      .string()
      .refine(isCalendarDate, { message: 'expected a date such as 2023-01-01' })
      .optional(),
    /** Where each value this version changed comes from (a seed, a decision), and whether it is an assumption. */
    changes: z.array(CovenantChangeSourceSchema).max(100).optional(),
    /** Who may move a running traject onto another covenant version (CONVENANT_GEWIJZIGD); default the gemeente. */
    migration: roleList.optional(),
  })
  .strict()
  .superRefine((covenant, ctx) => {
    // The bounds the workflow checks again at start. The schema above reports the other fields of that check, and
    // a duration that is no duration at all; what is left are durations out of bounds.
    for (const problem of covenantTermProblems(covenant)) {
      if (!(problem.field.replace(/^terms\./, '') in termMaxima)) continue;
      if (!isoDuration.test(String(valueAt(covenant, problem.field)))) continue;
      ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.message });
    }
    const permissions = (covenant.permissions ?? {}) as Partial<Record<string, unknown>>;
    const rolesFor = (type: string): string[] =>
      Array.isArray(permissions[type]) ? (permissions[type] as string[]) : [];
    for (const type of coordinatorEventTypes) {
      const allowed = rolesFor(type);
      if (allowed.includes('auditor')) {
        ctx.addIssue({
          code: 'custom',
          path: ['permissions', type],
          message: 'an auditor reads and never writes',
        });
      }
      if (allowed.includes('buurtbewoner') && type !== 'OVERLAST_GEMELD' && type !== 'ZORGEN_GEMELD') {
        ctx.addIssue({
          code: 'custom',
          path: ['permissions', type],
          message: 'a buurtbewoner may only report nuisance (OVERLAST_GEMELD) or concerns (ZORGEN_GEMELD)',
        });
      }
    }
    if (
      Array.isArray(covenant.erasure) &&
      covenant.erasure.some((r) => r === 'auditor' || r === 'buurtbewoner')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['erasure'],
        message: 'erasure is for the partners responsible for the data, not for an auditor or a neighbour',
      });
    }
    if (
      Array.isArray(covenant.migration) &&
      covenant.migration.some((r) => r === 'auditor' || r === 'buurtbewoner' || r === 'client')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['migration'],
        message:
          'moving trajecten to another covenant version is for the partners, not for an auditor, neighbour or client',
      });
    }
    for (const role of Array.isArray(covenant.conversionSignatories) ? covenant.conversionSignatories : []) {
      if (!rolesFor('OMKLAPPEN_AKKOORD').includes(role)) {
        ctx.addIssue({
          code: 'custom',
          path: ['conversionSignatories'],
          message: `${role} must sign the conversion but may not send OMKLAPPEN_AKKOORD`,
        });
      }
    }
    const from = String(covenant.officeHours?.from ?? '');
    const until = String(covenant.officeHours?.until ?? '');
    if (/^\d\d:\d\d$/.test(from) && /^\d\d:\d\d$/.test(until) && from >= until) {
      ctx.addIssue({
        code: 'custom',
        path: ['officeHours', 'until'],
        message: 'office hours must end after they start',
      });
    }
  });

export type Covenant = z.infer<typeof CovenantSchema>;
export type CovenantInput = z.input<typeof CovenantSchema>;

export type { CovenantProblem } from './covenant-terms';

/** Validates a covenant. Returns it, or every problem with the field it concerns. */
export function checkCovenant(
  data: unknown,
): { ok: true; covenant: Covenant } | { ok: false; problems: CovenantProblem[] } {
  const result = CovenantSchema.safeParse(data);
  if (result.success) return { ok: true, covenant: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.length ? issue.path.map(String).join('.') : '(covenant)',
      message: issue.message,
    })),
  };
}
