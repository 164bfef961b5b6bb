/** The one place hooks reach the secret scanner (services/secrets-files, lib/secrets), so its API can move without touching the hooks. */
export async function scanStagedForSecrets(repoDir: string): Promise<{ count: number; report: string }> {
  const [{ scanStaged }, { formatFindings }] = await Promise.all([
    import('../secrets-files'),
    import('../../lib/secrets'),
  ]);
  const findings = await scanStaged(repoDir);
  return { count: findings.length, report: formatFindings(findings) };
}
