/**
 * The workflow's changes guarded by `patched(id)`: a traject started before a change replays and runs as it was
 * recorded; one started after it records the patch marker in its history, which the audit timeline reads back.
 */
import type { CovenantChangeRules, TrajectRules } from '../machines';

export const patches = {
  /** Open escalations lapse at omklappen (meetings) and at the end of a traject (all); issue 16, item 13. */
  escalationsLapse: 'escalations-lapse',
  /**
   * A smaller history (issue 14): updates answer with a receipt instead of the whole status, search attributes are
   * upserted only where a value changed, and the run continues as new at 400 events rather than 300. Decided once
   * per run, at its start.
   */
  slimHistory: 'slim-history',
  /**
   * The traject feeds the evaluation's read model (workflows/facts.ts); issue 18. A traject started before it, or
   * continued from a run that did not feed it, stays out of the read model.
   */
  readModel: 'evaluation-read-model',
  /** A covenant change closes the escalations its terms make no longer late; issue 15. */
  escalationsFollowTerms: 'escalations-follow-terms',
  /**
   * A leaner history still (issue 14), in one patch because every patch id costs a marker and a growing
   * TemporalChangeVersion upsert: update receipts and the run's result hold only phase, time and status digest; the
   * read model is fed through a worker sink (no history event) with one durable write as the run ends; a timer's
   * summary is its machine id only. Decided once per run, at its start.
   */
  leanHistory: 'lean-history',
  /**
   * One marker for every patch before it (issue 14): a traject started since records only this one, and takes up
   * all the others with it. Each patch id costs a marker and an upsert of the growing TemporalChangeVersion search
   * attribute, so a new traject's first workflow task (which carries its first update) held six of each. A run
   * recorded before takes each patch up as it did. Its search attributes are upserted once per workflow task (the
   * start and a first update that came with it, one upsert). Decided once per run, at its start.
   */
  singleMarker: 'single-marker',
} as const;

/**
 * Whether a patch is taken up, from `isPatched` (the workflow's `patched`, or the markers of a recorded run): every
 * patch is, in a run that took up the single marker. That one is asked once, at the first question (the workflow asks
 * at its start): asked again later, `patched` would take it up in a run that had started without it.
 */
export function withSingleMarker(isPatched: (id: string) => boolean): (id: string) => boolean {
  let single: boolean | undefined;
  return (id) => {
    single ??= isPatched(patches.singleMarker);
    return single || (id !== patches.singleMarker && isPatched(id));
  };
}

/**
 * The machine rules of a traject, from the patches its workflow took up at start: `patched` in the workflow, the
 * markers of its history in the timeline.
 */
export function rulesFor(isPatched: (id: string) => boolean): TrajectRules | undefined {
  return isPatched(patches.escalationsLapse) ? { escalationsLapse: true } : undefined;
}

/**
 * The rules a covenant change is taken under, from the patches: `patched` in the workflow's handler (a change
 * recorded before the rule replays without it), the markers of the run in the timeline, always on in a dry run (a
 * running workflow takes the patch up when it takes the change).
 */
export function covenantChangeRulesFor(isPatched: (id: string) => boolean): CovenantChangeRules | undefined {
  return isPatched(patches.escalationsFollowTerms) ? { escalationsFollowTerms: true } : undefined;
}

/** The rules a covenant change taken now is taken under (the dry run's prediction). */
export const currentCovenantChangeRules = covenantChangeRulesFor(() => true);
