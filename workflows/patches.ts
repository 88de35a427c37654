/**
 * The workflow's changes guarded by `patched(id)`: a traject started before a change replays and runs as it was
 * recorded; one started after it records the patch marker in its history, which the audit timeline reads back.
 */
import type { CovenantChangeRules, TrajectRules } from '../machines';

export const patches = {
  /** Open escalations lapse at omklappen (meetings) and at the end of a traject (all); issue 16, item 13. */
  escalationsLapse: 'escalations-lapse',
  /** A covenant change closes the escalations its terms make no longer late; issue 15. */
  escalationsFollowTerms: 'escalations-follow-terms',
} as const;

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
