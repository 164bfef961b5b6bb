/** The one place hooks reach the secret scanner (lib/secrets), so its API can move without touching the hooks. */
export async function scanStagedForSecrets(repoDir: string): Promise<{ count: number; report: string }> {
  const { scanStaged, formatFindings } = await import('../secrets');
  const findings = await scanStaged(repoDir);
  return { count: findings.length, report: formatFindings(findings) };
}
