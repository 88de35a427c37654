import type { CovenantInput } from '../covenant';
import { almere } from './almere';

/**
 * 's-Hertogenbosch: area-based, district by district (Zuidoost, then West and Noord), for people with acute care
 * needs or confused behaviour; the neighbourhood team brings the parties together (seed 001_a46cab08f4023db1).
 * The article gives no durations: every term is an assumption taken over from Almere.
 */
export const sHertogenbosch = {
  ...almere,
  id: 's-hertogenbosch',
  name: "Thuis in de Wijk 's-Hertogenbosch",
  sources: ['seeds/001_a46cab08f4023db1.txt'],
  parties: [
    { role: 'gemeente', organisation: "Gemeente 's-Hertogenbosch" },
    { role: 'zorgaanbieder', organisation: 'Reinier van Arkel' },
    { role: 'zorgaanbieder', organisation: 'Cello' },
    { role: 'zorgaanbieder', organisation: 'Novadic-Kentron' },
    { role: 'corporatie', organisation: 'Zayaz' },
    { role: 'wijkteam', organisation: 'Wijkteam Zuidoost' },
    { role: 'wijkteam', organisation: 'Farent' },
    { role: 'wijkteam', organisation: 'MEE' },
  ],
  // "Bij Thuis in de Wijk haalt het wijkteam de partijen écht bij elkaar": every escalation reaches the wijkteam.
  escalationTargets: Object.fromEntries(
    Object.entries(almere.escalationTargets).map(([kind, targets]) => [kind, [...targets, 'wijkteam']]),
  ) as CovenantInput['escalationTargets'],
  permissions: {
    ...almere.permissions,
    // The wijkteam may signal relapse early ("Sneller ingrijpen zonder schotten").
    TERUGVAL_GEMELD: ['zorgaanbieder', 'wijkteam'],
  },
  // Acting early to prevent a crisis: outside office hours neighbours reach the wijkteam.
  neighbourReportRouting: { duringOfficeHours: 'wijkteam', outsideOfficeHours: 'zorgaanbieder' },
} satisfies CovenantInput;
