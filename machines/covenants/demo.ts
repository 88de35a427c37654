import type { CovenantInput } from '../covenant';
import { almere } from './almere';

/**
 * Not a region: Almere's rules on a clock of seconds, so that a newcomer can watch a whole traject, its invitations,
 * deadlines and escalations within minutes (README quick start). Never use it for real clients.
 */
export const demo = {
  ...almere,
  id: 'demo',
  name: 'Demonstratie (Almere in seconden)',
  sources: ['seeds/003_9dd6106ce58cf0f8.txt (every term scaled to seconds)'],
  terms: {
    ...almere.terms,
    urgencyDecision: 'PT60S',
    offerReminder: 'PT30S',
    offerEscalation: 'PT60S',
    minimumTerm: { omklapcontract: 'PT120S', driepartijenovereenkomst: 'PT240S' },
    extension: 'PT60S',
    kennismakingsgesprekWithin: 'PT10S',
    evaluatiegesprekInterval: 'PT60S',
    evaluatiegesprekWithin: 'PT20S',
    rentArrearsFollowUp: 'PT30S',
    waakvlamCheckIn: 'PT10S',
  },
} satisfies CovenantInput;
