import type { CovenantInput } from '../covenant';
import { almere } from './almere';

/**
 * Almere's covenant as reworked in 2023 (seed 000_5406c781e6f0994d: the agreements were "due for an update" in 2022
 * and worked out in 2023). The seed names the open questions, not the new values: every changed value below is an
 * assumption that answers one of them, marked as such with the seed as its source.
 */
export const almere2023 = {
  ...almere,
  version: '2023-01',
  effectiveFrom: '2023-01-01',
  sources: [...almere.sources],
  terms: {
    ...almere.terms,
    // Seed 000 asks that every resident is invited in time: the kennismakingsgesprek comes sooner.
    kennismakingsgesprekWithin: 'P2W',
    // Seed 000 asks which indicators decide the conversion: evaluations come more often, every four months.
    evaluatiegesprekInterval: 'P4M',
    // Seed 000 asks how to reduce rent arrears: the follow-up comes sooner.
    rentArrearsFollowUp: 'P2W',
  },
  changes: [
    { field: 'terms.kennismakingsgesprekWithin', source: 'seeds/000_5406c781e6f0994d.txt', assumption: true },
    { field: 'terms.evaluatiegesprekInterval', source: 'seeds/000_5406c781e6f0994d.txt', assumption: true },
    { field: 'terms.rentArrearsFollowUp', source: 'seeds/000_5406c781e6f0994d.txt', assumption: true },
  ],
} satisfies CovenantInput;
