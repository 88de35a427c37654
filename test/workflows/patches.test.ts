/**
 * The single marker (issue 14): a traject started since takes up every patch with one marker; one started before asks
 * each patch as it did, and never takes up the single marker later in its life.
 */
import { patches, rulesFor, withSingleMarker } from '../../workflows/patches';

/** A stand-in for the workflow's `patched`: answers from a set of markers and records every question. */
function recorder(markers: string[]) {
  const asked: string[] = [];
  return {
    asked,
    isPatched: (id: string) => {
      asked.push(id);
      return markers.includes(id);
    },
  };
}

test('a run with the single marker takes up every patch and asks nothing more', () => {
  const run = recorder([patches.singleMarker]);
  const isPatched = withSingleMarker(run.isPatched);
  expect(isPatched(patches.slimHistory)).toBe(true);
  expect(isPatched(patches.readModel)).toBe(true);
  expect(rulesFor(isPatched)).toEqual({ escalationsLapse: true });
  expect(run.asked).toEqual([patches.singleMarker]);
});

test('a run from before asks each patch, and the single marker only once, first', () => {
  const run = recorder([patches.slimHistory]);
  const isPatched = withSingleMarker(run.isPatched);
  expect(isPatched(patches.slimHistory)).toBe(true);
  expect(isPatched(patches.leanHistory)).toBe(false);
  // Asked again later (in a handler, say), the single marker keeps the answer the run's start gave.
  expect(isPatched(patches.singleMarker)).toBe(false);
  expect(run.asked).toEqual([patches.singleMarker, patches.slimHistory, patches.leanHistory]);
});
