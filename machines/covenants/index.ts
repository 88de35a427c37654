import { CovenantSchema, type Covenant } from '../covenant';
import { almere } from './almere';
import { demo } from './demo';
import { amsterdam } from './amsterdam';
import { nijmegen } from './nijmegen';
import { sHertogenbosch } from './s-hertogenbosch';

/** The four regional covenants from the seed articles, validated. */
export const presetCovenants: Readonly<Record<string, Covenant>> = Object.freeze(
  Object.fromEntries(
    [almere, amsterdam, sHertogenbosch, nijmegen].map((c) => [c.id, CovenantSchema.parse(c)]),
  ),
);

export const presetCovenantIds = Object.keys(presetCovenants);

/** Almere's rules with every term in seconds: for demonstrations, not a region. */
export const demoCovenant: Covenant = CovenantSchema.parse(demo);
