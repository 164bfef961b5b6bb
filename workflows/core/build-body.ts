import type { BuildPort } from './port';
import type { BuildResult, BuildWorkflowInput } from './types';

/** The BuildWorkflow body (being written; signature is stable). */
export async function runBuild(_port: BuildPort, _input: BuildWorkflowInput): Promise<BuildResult> {
  await Promise.resolve();
  throw new Error('runBuild: not implemented yet');
}
