/** The search attributes moved to platform/, shared with the SDK; kept here for the worker package's exports. */
export { registerSearchAttributes, searchAttributeArgs } from '../platform/search-attributes';
