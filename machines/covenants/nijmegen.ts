import type { CovenantInput } from '../covenant';
import { almere } from './almere';

/**
 * Nijmegen (Talis, Innovatiechallenge Leefbare Wijken en Buurten 2018-2019, seed 004_4b8edaeb79a96803): every
 * tenant, vulnerable or not, must live well. Persona Henriëtte does not know whom to tell when her neighbour Iris
 * is not doing well; the team asks who is needed at which times (office hours, weekends). The article gives no
 * durations: every term is an assumption taken over from Almere.
 */
export const nijmegen = {
  ...almere,
  id: 'nijmegen',
  name: 'Thuis in de Wijk Nijmegen (Talis)',
  sources: ['seeds/004_4b8edaeb79a96803.txt'],
  parties: [
    { role: 'gemeente', organisation: 'Gemeente Nijmegen' },
    { role: 'corporatie', organisation: 'Talis' },
    // The article names no care provider; replace with the partner's code.
    { role: 'zorgaanbieder', organisation: 'GGZ Nijmegen' },
    { role: 'wijkteam', organisation: 'Sociaal wijkteam Meijhorst' },
  ],
  // Assumption: the wijkbeheerder during office hours, the care provider's on-call service in the evening and weekend.
  officeHours: { days: [1, 2, 3, 4, 5], from: '08:30', until: '17:00' },
  neighbourReportRouting: { duringOfficeHours: 'corporatie', outsideOfficeHours: 'zorgaanbieder' },
  permissions: {
    ...almere.permissions,
    // Henriëtte may tell the wijkteam too; a concern is not yet nuisance.
    ZORGEN_GEMELD: ['buurtbewoner', 'corporatie', 'wijkteam', 'zorgaanbieder'],
  },
} satisfies CovenantInput;
