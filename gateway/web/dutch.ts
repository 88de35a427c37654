/** The interface's words: phases, roles, events and deadlines in plain Dutch. Code stays English. */
import type { CoordinatorEventType, Phase, Role } from '../../machines';

export const phaseLabels: Record<Phase, string> = {
  aanmelding: 'Aanmelding',
  urgentie: 'Urgentie',
  matching: 'Zoeken naar een woning',
  contractering: 'Contract wordt opgesteld',
  tijdelijkContract: 'Tijdelijk contract',
  omklappen: 'Omklappen naar eigen naam',
  regulierContract: 'Huurcontract op eigen naam',
  waakvlam: 'Waakvlam',
  timeout: 'Time-out',
  afgesloten: 'Afgesloten',
  beeindigd: 'Beëindigd',
  ingetrokken: 'Ingetrokken',
};

export const roleLabels: Record<Role, string> = {
  gemeente: 'Gemeente',
  corporatie: 'Woningcorporatie',
  zorgaanbieder: 'Zorgaanbieder',
  wijkteam: 'Wijkteam',
  buurtbewoner: 'Buurtbewoner',
  client: 'Cliënt',
  auditor: 'Auditor',
};

export const eventLabels: Partial<Record<CoordinatorEventType, string>> = {
  INSTEMMING_GEGEVEN: 'Instemming vastleggen',
  INGETROKKEN: 'Instemming intrekken',
  URGENTIE_AANGEVRAAGD: 'Urgentie aanvragen',
  URGENTIE_TOEGEKEND: 'Urgentie toekennen',
  URGENTIE_AFGEWEZEN: 'Urgentie afwijzen',
  WONING_AANGEBODEN: 'Woning aanbieden',
  AANBOD_GEACCEPTEERD: 'Aanbod geaccepteerd',
  AANBOD_GEWEIGERD: 'Aanbod geweigerd',
  CONTRACTVORM_GEADVISEERD: 'Contractvorm adviseren',
  CONTRACT_GETEKEND: 'Contract getekend',
  GESPREK_GEPLAND: 'Gesprek plannen',
  GESPREK_GEVOERD: 'Gesprek gevoerd',
  EVALUATIE_VASTGELEGD: 'Evaluatie vastleggen',
  OVERLAST_GEMELD: 'Overlast melden',
  OVERLAST_OPGEPAKT: 'Overlastmelding oppakken',
  OVERLAST_AFGEHANDELD: 'Overlast afgehandeld',
  ZORGEN_GEMELD: 'Zorgen melden',
  HUURACHTERSTAND_GESIGNALEERD: 'Huurachterstand signaleren',
  HUURACHTERSTAND_OPGELOST: 'Huurachterstand opgelost',
  TERUGVAL_GEMELD: 'Terugval melden',
  TIMEOUT_BEEINDIGD: 'Time-out beëindigen',
  OMKLAPPEN_AKKOORD: 'Akkoord met omklappen',
  CONTRACT_VERLENGD: 'Contract verlengen',
  CONTRACT_BEEINDIGD: 'Contract beëindigen',
  BEGELEIDING_AFGESCHAALD: 'Begeleiding afschalen (waakvlam)',
  BEGELEIDING_OPGESCHAALD: 'Begeleiding opschalen',
  CONTACT_GELOGD: 'Contact vastleggen',
  TRAJECT_AFGESLOTEN: 'Traject afsluiten',
};

/** Field names of event data, as a coordinator reads them. */
export const fieldLabels: Record<string, string> = {
  note: 'Toelichting (optioneel)',
  reason: 'Reden',
  searchProfile: 'Zoekprofiel',
  districts: 'Wijken (met komma’s gescheiden)',
  homeType: 'Soort woning',
  maxRent: 'Maximale huur (euro)',
  homeRef: 'Woningreferentie',
  wijkbeheerderConsulted: 'Wijkbeheerder geraadpleegd',
  form: 'Contractvorm',
  meeting: 'Gesprek',
  plannedAt: 'Datum en tijd',
  indicators: 'Indicatoren',
  advice: 'Advies',
  severity: 'Ernst',
  reportId: 'Melding',
  months: 'Aantal maanden',
  hours: 'Aantal uren',
};

export const label = (name: string): string => fieldLabels[name] ?? name;
