/**
 * The modules every workflow of a worker shares: the worker bundles this file as a preloaded module
 * (platform/workflow-bundle.ts), so the SDK's reusable sandbox evaluates XState and the traject machine once per
 * worker instead of once per workflow, and keeps one copy of them for all cached trajects.
 *
 * The SDK deep-freezes what it shares, and every module this file reaches is shared, so two rules hold here:
 * - nothing reached from here may import zod (its schemas write lazily computed internals on first use, which a freeze
 *   forbids): machine modules take their word lists from event-types.ts and import schema modules as types only, and
 *   check input with the validators generated from the schemas (machines/validation, scripts/generate-validators.ts),
 *   whose nodes are plain data the checks only read;
 * - nothing reached from here may keep per-workflow state: module-level caches hold pure results only (a formatter
 *   per time zone, the interpreter's inert actor scope, emptied before each use, the deep-frozen covenants).
 * The SDK's workflow API is shared as well. The SDK shares most of `@temporalio/workflow` by itself (the modules its
 * runtime loads before any workflow exists), but its front door and the few modules only that door loads (metrics,
 * random streams, Nexus, Trigger) were evaluated per workflow, about 10 KiB per cached traject; they keep no state of
 * their own and look up the running workflow at each call, as the rest of the API does.
 * Workflow modules are shared where they need no per-workflow object of the API: the read model's feed takes its ways
 * of writing as an argument (facts-feed.ts), the patch ids are plain data, the search attribute keys come from
 * `@temporalio/common`.
 * test/worker/shared-modules.test.ts fails when either rule breaks or a module here is evaluated per workflow again.
 */
import * as workflowApi from '@temporalio/workflow';
import * as xstate from 'xstate';
import * as covenantTerms from '../machines/covenant-terms';
import * as duration from '../machines/duration';
import * as eventData from '../machines/event-data';
import * as recorder from '../machines/evaluation/recorder';
import * as eventTypes from '../machines/event-types';
import * as context from '../machines/traject/context';
import * as decide from '../machines/traject/decide';
import * as interpreter from '../machines/traject/interpreter';
import * as machine from '../machines/traject/machine';
import * as migration from '../machines/traject/migration';
import * as sharedCovenants from '../machines/shared-covenants';
import * as status from '../machines/traject/status';
import * as validators from '../machines/validation/generated-validators';
import * as factsFeed from './facts-feed';
import * as messageValidators from './generated-validators';
import * as patches from './patches';
import * as searchAttributes from './search-attributes';

/** Referenced, so that the bundler keeps every module above (XState declares `sideEffects: false`). */
export const sharedModules = [
  workflowApi,
  xstate,
  covenantTerms,
  duration,
  eventData,
  eventTypes,
  recorder,
  context,
  decide,
  interpreter,
  machine,
  migration,
  sharedCovenants,
  status,
  validators,
  messageValidators,
  factsFeed,
  patches,
  searchAttributes,
];
