import type { CovenantInput } from '../covenant';
// Generated, not written: tidw covenant closing-days --country NL --from 2026 --years 5 --out <this file>.
import dutchClosingDays from './closing-days-nl.json';

/**
 * Almere: the covenant of summer 2021 between Kwintes, Ymere, GoedeStede, De Alliantie and the municipality
 * (seed 003_9dd6106ce58cf0f8, "Thuis in de wijk: afspraken over uitstroom Almere"; seed 000_5406c781e6f0994d,
 * the 2022 meeting). Values marked "assumption" are not in the articles (DOMAIN.md, Policy values).
 */
export const almere = {
  id: 'almere',
  name: 'Thuis in de Wijk Almere',
  sources: ['seeds/003_9dd6106ce58cf0f8.txt', 'seeds/000_5406c781e6f0994d.txt'],
  timezone: 'Europe/Amsterdam',
  // Seed 003: "zorgaanbieders als Kwintes, woningcorporaties Ymere, GoedeStede en De Alliantie, en de gemeente Almere".
  parties: [
    { role: 'gemeente', organisation: 'Gemeente Almere' },
    { role: 'zorgaanbieder', organisation: 'Kwintes' },
    { role: 'corporatie', organisation: 'Ymere' },
    { role: 'corporatie', organisation: 'GoedeStede' },
    { role: 'corporatie', organisation: 'De Alliantie' },
  ],
  // Seed 003: omklapcontract and driepartijen-overeenkomst; "De zorgaanbieder adviseert bij het type contract."
  contractForms: ['omklapcontract', 'driepartijenovereenkomst'],
  terms: {
    urgencyDecision: 'P8W', // assumption: the general administrative-law decision term
    offerReminder: 'P3M', // seed 003: "een woning aanbieden in 3 tot 6 maanden na de urgentie-aanvraag"
    offerEscalation: 'P6M', // seed 003, idem
    minimumTerm: {
      omklapcontract: 'P12M', // seed 003: "na minimaal een jaar worden omgezet"
      driepartijenovereenkomst: 'P24M', // seed 003: "Na twee jaar en verschillende evaluaties"
    },
    minimumEvaluations: {
      omklapcontract: 0, // seed 003 names only the year
      driepartijenovereenkomst: 3, // assumption: "verschillende evaluaties" read as 3
    },
    extension: 'P6M', // assumption: one more evaluation period
    kennismakingsgesprekWithin: 'P4W', // assumption (seed 000 asks that everyone is invited in time)
    evaluatiegesprekInterval: 'P6M', // assumption: the covenant itself evaluates half-yearly (seed 000)
    evaluatiegesprekWithin: 'P4W', // assumption: the same window as the kennismakingsgesprek
    nuisanceFirstResponseWorkingDays: 2, // assumption
    nuisanceEscalationWorkingDays: 10, // assumption
    rentArrearsFollowUp: 'P4W', // assumption (seed 000: reducing rent arrears is an open question)
    waakvlamCheckIn: 'P1M', // assumption: "finger on the pulse", monthly
    waakvlamContactBudgetHours: 2, // seed 003: "maximaal twee uur per maand contact"
  },
  // Seed 003: "Bij de huurcontracten trekken we samen op."
  conversionSignatories: ['corporatie', 'zorgaanbieder'],
  // Seed 003: "De gemeente is verantwoordelijk voor de urgenties, wij [corporaties] zijn verantwoordelijk voor
  // matching van cliënt en woning, Kwintes begeleidt bij goed nabuurschap."
  permissions: {
    INSTEMMING_GEGEVEN: ['client', 'zorgaanbieder'],
    INGETROKKEN: ['client', 'zorgaanbieder'],
    URGENTIE_AANGEVRAAGD: ['zorgaanbieder'],
    URGENTIE_TOEGEKEND: ['gemeente'],
    URGENTIE_AFGEWEZEN: ['gemeente'],
    WONING_AANGEBODEN: ['corporatie'],
    AANBOD_GEACCEPTEERD: ['client', 'zorgaanbieder'],
    AANBOD_GEWEIGERD: ['client', 'zorgaanbieder'],
    CONTRACTVORM_GEADVISEERD: ['zorgaanbieder'],
    CONTRACT_GETEKEND: ['corporatie', 'zorgaanbieder'],
    GESPREK_GEPLAND: ['zorgaanbieder', 'corporatie', 'wijkteam'],
    GESPREK_GEVOERD: ['zorgaanbieder', 'corporatie', 'wijkteam'],
    EVALUATIE_VASTGELEGD: ['zorgaanbieder', 'corporatie'],
    OVERLAST_GEMELD: ['buurtbewoner', 'corporatie', 'zorgaanbieder', 'wijkteam'],
    OVERLAST_OPGEPAKT: ['corporatie', 'zorgaanbieder', 'wijkteam'],
    OVERLAST_AFGEHANDELD: ['corporatie', 'zorgaanbieder', 'wijkteam'],
    ZORGEN_GEMELD: ['buurtbewoner', 'corporatie', 'wijkteam'],
    HUURACHTERSTAND_GESIGNALEERD: ['corporatie'],
    HUURACHTERSTAND_OPGELOST: ['corporatie'],
    TERUGVAL_GEMELD: ['zorgaanbieder'],
    TIMEOUT_BEEINDIGD: ['zorgaanbieder'],
    OMKLAPPEN_AKKOORD: ['corporatie', 'zorgaanbieder'],
    CONTRACT_VERLENGD: ['corporatie'],
    CONTRACT_BEEINDIGD: ['corporatie'],
    BEGELEIDING_AFGESCHAALD: ['zorgaanbieder'],
    BEGELEIDING_OPGESCHAALD: ['zorgaanbieder'],
    CONTACT_GELOGD: ['zorgaanbieder'],
    TRAJECT_AFGESLOTEN: ['zorgaanbieder', 'gemeente'],
  },
  // Seed 000: case consultation (casuïstiekoverleg) of all partners; the rest is an assumption.
  escalationTargets: {
    urgentiebesluitTeLaat: ['gemeente', 'zorgaanbieder'],
    aanbodTeLaat: ['corporatie', 'gemeente', 'zorgaanbieder'],
    kennismakingsgesprekGemist: ['zorgaanbieder', 'corporatie'],
    evaluatiegesprekGemist: ['zorgaanbieder', 'corporatie'],
    overlastZonderReactie: ['corporatie', 'zorgaanbieder'],
    overlastOnopgelost: ['gemeente', 'corporatie', 'zorgaanbieder'],
    huurachterstandOnopgelost: ['corporatie', 'zorgaanbieder', 'gemeente'],
    contactbudgetOverschreden: ['zorgaanbieder'],
  },
  // Assumption: the municipality (which grants urgency) and the care provider (which registers the client) may have a
  // traject's data erased on the client's request (Amsterdam agreement 10, respect for the client's privacy).
  erasure: ['gemeente', 'zorgaanbieder'],
  // Assumption: the care provider (budget coaching) and the municipality (debt counselling) are asked.
  financialSupportBy: ['zorgaanbieder', 'gemeente'],
  // Seed 000: "iedere bewoner tijdig wordt uitgenodigd voor een kennismakingsgesprek en evaluatiegesprek".
  meetingAttendees: {
    kennismakingsgesprek: ['client', 'zorgaanbieder', 'corporatie'],
    evaluatiegesprek: ['client', 'zorgaanbieder', 'corporatie'],
  },
  officeHours: { days: [1, 2, 3, 4, 5], from: '09:00', until: '17:00' }, // assumption
  // The Dutch public holidays 2026-2030: working-day terms (nuisance) skip them. The partners' own closing days (say
  // 24 December) are not in the articles; a covenant adds them with --extra 12-24.
  closingDays: dutchClosingDays,
  // Assumption: nuisance first to the corporation's wijkbeheerder, outside office hours to the care provider.
  neighbourReportRouting: { duringOfficeHours: 'corporatie', outsideOfficeHours: 'zorgaanbieder' },
} satisfies CovenantInput;
