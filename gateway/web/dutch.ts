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

/** What a refusal's rule means, in a sentence a coordinator reads; the engine's own message follows it. */
export function ruleInDutch(rule: string): string | undefined {
  if (rule.startsWith('permissions.')) return 'Het convenant staat deze actie niet toe voor uw rol.';
  if (rule.startsWith('parties.')) return 'Uw organisatie is in deze rol geen partij van dit convenant.';
  if (rule.startsWith('terms.minimumTerm.'))
    return 'De minimale looptijd van het tijdelijke contract is nog niet om.';
  if (rule.startsWith('terms.minimumEvaluations.')) return 'Er zijn nog niet genoeg evaluaties vastgelegd.';
  const fixed: Record<string, string> = {
    phase: 'Dit kan niet in de fase waarin het traject nu is.',
    conversionSignatories: 'Voor omklappen is nog het akkoord van een andere partij nodig.',
    'contract.advisedForm': 'Eerst moet de zorgaanbieder een contractvorm adviseren.',
    contractForms: 'Deze contractvorm kent het convenant niet.',
    'meeting.invited': 'Voor dit gesprek is nog geen uitnodiging verstuurd.',
    'meeting.held': 'Dit gesprek is al gevoerd.',
    'meeting.due': 'Dit gesprek staat nu niet open.',
    'nuisance.open': 'Er is geen open overlastmelding met deze referentie.',
    'nuisance.unanswered': 'Deze overlastmelding is al opgepakt.',
    'arrears.open': 'Er staat geen huurachterstand open.',
    'terms.waakvlamContactBudgetHours': 'Het contactbudget van de waakvlam voor deze maand is op.',
    schema: 'De gegevens kloppen niet met wat deze actie vraagt.',
    parties: 'Uw organisatie is geen partij van dit convenant.',
    'reports.client': 'Een cliënt leest geen evaluatie van het convenant.',
    'reads.buurtbewoner': 'Een buurtbewoner leest geen trajecten en geen evaluaties.',
    'concerns.routedTo': 'Alleen de organisatie waar deze zorg naartoe is gestuurd, handelt hem af.',
    'concerns.handled': 'Deze zorg is al afgehandeld.',
  };
  return fixed[rule];
}
