/**
 * Covenant versions: a region's covenant changes while its trajecten run for years (seed 000: Almere's agreements were
 * "due for an update" in 2022, worked out in 2023). A version is named `<id>@<version>`; the bare id names the version
 * new trajecten start on, so nothing that says `almere` changes meaning.
 */
import { CovenantSchema, type Covenant } from '../covenant';
import { almere } from './almere';
import { almere2023 } from './almere-2023';
import { presetCovenants } from './index';

/**
 * The version of covenants that carry none: those of trajecten started before versions existed, and the presets that
 * predate them. Almere's first covenant dates from summer 2021 (seed 003).
 */
const firstVersions: Readonly<Record<string, string>> = { almere: '2021-10' };

/** Every known version of the preset covenants, by `<id>@<version>`. */
export const covenantVersions: Readonly<Record<string, Covenant>> = Object.freeze(
  Object.fromEntries(
    [
      CovenantSchema.parse({ ...almere, version: '2021-10', effectiveFrom: '2021-10-01' }),
      CovenantSchema.parse(almere2023),
    ].map((c) => [covenantRef(c), c]),
  ),
);

/** A covenant's versioned name, such as `almere@2021-10`; `<id>` alone when neither it nor its region has a version. */
export function covenantRef(covenant: Pick<Covenant, 'id' | 'version'>): string {
  const version = covenant.version ?? firstVersions[covenant.id];
  return version ? `${covenant.id}@${version}` : covenant.id;
}

/** The covenant a name means: `almere@2023-01` a version, `almere` the preset new trajecten start on. */
export function resolveCovenant(name: string): Covenant | undefined {
  return covenantVersions[name] ?? presetCovenants[name];
}

/** Every name `resolveCovenant` knows. */
export const covenantNames: readonly string[] = [
  ...Object.keys(presetCovenants),
  ...Object.keys(covenantVersions),
];
