/**
 * A workflow bundle that counts module evaluations: the engine's bundle options (the same preloaded, shared modules),
 * with every module made to add one to a counter when the sandbox evaluates it. The counter lives on the sandbox's
 * global object from the first module on, before any workflow exists, so every workflow of a worker adds to the same
 * one; the fixture's `moduleEvaluations` workflow reads it.
 */
import { relative } from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundle } from '@temporalio/worker';
import { workflowBundleOptions } from '../../platform/workflow-bundle';
import { root } from './processes';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type WebpackPlugin = NonNullable<WebpackConfig['plugins']>[number];

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

/** The module's file relative to the repository, without its extension: `machines/traject/machine`. */
export const moduleKey = (file: string) => relative(root, file).replace(/\.[cm]?[jt]s$/, '');

const countingPlugin: WebpackPlugin = {
  apply(compiler) {
    const { javascript, sources } = compiler.webpack;
    compiler.hooks.compilation.tap('count-module-evaluations', (compilation) => {
      javascript.JavascriptModulesPlugin.getCompilationHooks(compilation).renderModuleContent.tap(
        'count-module-evaluations',
        (source, module) => {
          const file = (module as { resource?: string }).resource;
          if (!file) return source;
          const key = JSON.stringify(moduleKey(file.split('?')[0]!));
          // After the module's body, so that only a module that was evaluated to its end counts.
          return new sources.ConcatSource(
            source,
            `\n;(globalThis.__tidwModuleEvaluations ??= new Map()).set(${key}, ` +
              `(globalThis.__tidwModuleEvaluations.get(${key}) ?? 0) + 1);\n`,
          );
        },
      );
    });
  },
};

/** The engine's workflows and `moduleEvaluations`, bundled as the worker bundles them, with every module counted. */
export function bundleCountingEvaluations(): Promise<WorkflowBundle> {
  const options = workflowBundleOptions(quiet, require.resolve('../fixtures/counted-workflows'));
  return bundleWorkflowCode({
    ...options,
    webpackConfigHook: (config) => ({ ...config, plugins: [...(config.plugins ?? []), countingPlugin] }),
  });
}
