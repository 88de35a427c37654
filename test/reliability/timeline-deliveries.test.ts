/**
 * Issue 16, item 16: the timeline must not call an invitation "not delivered yet" when its activity completed. Read
 * from a recorded history (the golden three-year traject, which continued as new twice), as `tidw history --out
 * <directory>` writes it, one standard file per run, and `tidw timeline <file>` reads one of them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHistoryFile, writeHistory } from '../../client/audit/history-file';
import { buildTimeline, decoderFor } from '../../client/audit/timeline';
import { goldenDir } from '../support/golden';
import { goldenEncryption } from '../support/keys';

const decode = decoderFor(goldenEncryption().codec);
const chain = readHistoryFile(join(goldenDir, 'almere-three-years-continued-as-new.json'));
const runFiles = writeHistory(chain, mkdtempSync(join(tmpdir(), 'tidw-runs-')));

test('the recorded traject has several runs, with invitations after the first', () => {
  expect(runFiles.length).toBeGreaterThan(2);
});

test.each(runFiles.map((file, i) => [i + 1, file] as const))(
  'run %i read on its own: every invitation and every other delivery reads as delivered',
  async (run, file) => {
    const timeline = await buildTimeline(readHistoryFile(file), decode);
    const effects = timeline.entries.flatMap((e) => e.effects);
    expect(effects.filter((e) => e.outcome !== 'delivered').map((e) => `${e.id} ${e.outcome}`)).toEqual([]);
    expect(timeline.invitations.every((i) => i.outcome === 'delivered')).toBe(true);
    // Effects carry the workflow's own run number, as the activity ids in the history do.
    expect(effects.every((e) => e.id.endsWith(`-${run}-${e.id.split('-').pop()}`))).toBe(true);
    expect(effects.every((e) => e.delivered.length > 0)).toBe(true);
  },
);

test('the whole chain still reads every invitation as delivered, and matches every recorded status', async () => {
  const timeline = await buildTimeline(chain, decode);
  expect(timeline.invitations.length).toBeGreaterThan(3);
  expect(timeline.invitations.every((i) => i.outcome === 'delivered')).toBe(true);
  expect(timeline.verified.mismatches).toEqual([]);
});
