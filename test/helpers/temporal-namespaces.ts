/**
 * Namespaces the run's dev server creates besides `default`: suites that use fixed ids (the
 * maintenance schedules) get their own, so files running in parallel never see each other's.
 */
export const TEST_NAMESPACES = {
  schedules: 'br-test-schedules',
  dev: 'br-test-dev',
} as const;
