/**
 * The custom search attributes of a traject. Codes and dates only, never personal data. Registered by the worker at
 * start-up, by `npm start`'s dev server and by the test environments.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const phaseKey = defineSearchAttributeKey('TidwPhase', SearchAttributeType.KEYWORD);
export const regionKey = defineSearchAttributeKey('TidwRegion', SearchAttributeType.KEYWORD);
export const contractFormKey = defineSearchAttributeKey('TidwContractForm', SearchAttributeType.KEYWORD);
export const nextMeetingDueKey = defineSearchAttributeKey('TidwNextMeetingDue', SearchAttributeType.DATETIME);
export const escalatedKey = defineSearchAttributeKey('TidwEscalated', SearchAttributeType.BOOL);

export const searchAttributeKeys = [
  phaseKey,
  regionKey,
  contractFormKey,
  nextMeetingDueKey,
  escalatedKey,
] as const;
