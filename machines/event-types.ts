/**
 * The names of the events the traject takes, without zod: the machine modules that every workflow of a worker shares
 * (workflows/shared-modules.ts) read them from here, and vocabulary.ts builds its schemas on them.
 */

/** Events a party sends (coordinator events). */
export const coordinatorEventTypes = [
  'INSTEMMING_GEGEVEN',
  'INGETROKKEN',
  'URGENTIE_AANGEVRAAGD',
  'URGENTIE_TOEGEKEND',
  'URGENTIE_AFGEWEZEN',
  'WONING_AANGEBODEN',
  'AANBOD_GEACCEPTEERD',
  'AANBOD_GEWEIGERD',
  'CONTRACTVORM_GEADVISEERD',
  'CONTRACT_GETEKEND',
  'GESPREK_GEPLAND',
  'GESPREK_GEVOERD',
  'EVALUATIE_VASTGELEGD',
  'OVERLAST_GEMELD',
  // Extension of the DOMAIN list: the first response to a nuisance report, so that the
  // "first response within 2 working days" deadline can be met and observed.
  'OVERLAST_OPGEPAKT',
  'OVERLAST_AFGEHANDELD',
  // Extension: a neighbour's concern that is not nuisance (Nijmegen persona Henriëtte, seed 004).
  'ZORGEN_GEMELD',
  'HUURACHTERSTAND_GESIGNALEERD',
  'HUURACHTERSTAND_OPGELOST',
  'TERUGVAL_GEMELD',
  'TIMEOUT_BEEINDIGD',
  'OMKLAPPEN_AKKOORD',
  'CONTRACT_VERLENGD',
  'CONTRACT_BEEINDIGD',
  'BEGELEIDING_AFGESCHAALD',
  'BEGELEIDING_OPGESCHAALD',
  'CONTACT_GELOGD',
  'TRAJECT_AFGESLOTEN',
] as const;

/** Events the machine raises for itself when a deadline or a scheduled moment arrives (durable timers). */
export const timerEventTypes = [
  'URGENTIEBESLUIT_TERMIJN',
  'AANBOD_HERINNERING',
  'AANBOD_ESCALATIE',
  'KENNISMAKING_TERMIJN',
  'EVALUATIE_UITNODIGING',
  'EVALUATIE_TERMIJN',
  'OVERLAST_REACTIETERMIJN',
  'OVERLAST_ESCALATIETERMIJN',
  'HUURACHTERSTAND_OPVOLGING',
  'WAAKVLAM_CHECKIN',
] as const;
export type TimerEventType = (typeof timerEventTypes)[number];
