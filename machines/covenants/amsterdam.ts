import type { CovenantInput } from '../covenant';
import { almere } from './almere';

/**
 * Amsterdam: "Tien werkafspraken voor Thuis in de wijk" (seed 002_411c9225b7ef49f2), ten work agreements plus a
 * joint nuisance protocol. The article gives no durations: every term is an assumption taken over from Almere.
 */
export const amsterdam = {
  ...almere,
  id: 'amsterdam',
  name: 'Thuis in de Wijk Amsterdam',
  sources: ['seeds/002_411c9225b7ef49f2.txt'],
  // The article names no organisations; replace these with the partners' codes.
  parties: [
    { role: 'gemeente', organisation: 'Gemeente Amsterdam' },
    { role: 'zorgaanbieder', organisation: 'Zorgaanbieder Amsterdam' },
    { role: 'corporatie', organisation: 'Corporatie Amsterdam' },
  ],
  // Agreement 3 "Passend wonen met intermediaire verhuur" and 8 "Omklappen naar 'contract op eigen naam'":
  // the care provider lets first, then the lease converts.
  contractForms: ['omklapcontract'],
  // Agreement 6 "Voorkomen van overlast" and the joint nuisance protocol: the care provider is told as well.
  escalationTargets: {
    ...almere.escalationTargets,
    overlastZonderReactie: ['corporatie', 'zorgaanbieder', 'gemeente'],
  },
} satisfies CovenantInput;
