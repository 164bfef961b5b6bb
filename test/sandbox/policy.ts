import { parseConfig } from '../../lib/config';
import { sandboxPolicy, type SandboxPolicy } from '../../lib/sandbox/policy';

/** The default sandbox policy with a short time limit, plus overrides. */
export function testPolicy(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { ...sandboxPolicy(parseConfig({})), timeoutSeconds: 20, ...overrides };
}
