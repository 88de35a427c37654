/** The project root; lives with the client, which both the worker and the SDK use. */
export { projectRoot } from '../client/paths';
