import { CovenantSchema, type Covenant } from '../covenant';
import { almere } from './almere';
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
