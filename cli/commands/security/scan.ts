import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class SecurityScanCommand extends BrCommand {
  static override paths = [
    ['security', 'scan'],
    ['security', 'check'],
  ];
  static override usage = BrCommand.Usage({
    category: Category.repository,
    description: 'Find secrets (API keys, tokens, private keys, passwords) in files or in staged changes',
    details: `
      Scans the given files and folders (default: the current folder) for provider tokens (every
      provider family of gitleaks' default rules: AWS, GCP, Azure, GitHub, GitLab, Slack, Stripe,
      Anthropic, OpenAI, npm, PyPI, Datadog, Sentry, DigitalOcean, Heroku, Fly, Vercel, Netlify,
      Supabase, PlanetScale, Doppler, Pulumi, HashiCorp and ~110 more), private key blocks, passwords in connection URLs,
      JWTs and high-entropy values assigned to password/secret/token/key names. node_modules, .git,
      binary files, files over 1 MiB and lockfiles are skipped.

      \`--staged\` scans what is staged for the next commit (the index), not the working tree.

      Each finding shows file, line, column, rule and the line with the secret masked. Exits 1 when
      anything is found, 0 when clean. To accept a false positive deliberately, put a
      \`br-ignore-secret\` comment on the line or the line above, or list the path in
      \`.buildrunner/secretignore\` (gitignore syntax). Stripe test-mode keys (sk_test_) are not reported.

      \`br security check\` (the BuildRunner 3 name) runs this same command.
    `,
    examples: [
      ['Scan the current folder', '$0 security scan'],
      ['Scan some paths', '$0 security scan src config/.env'],
      ['Scan what is about to be committed', '$0 security scan --staged'],
      ['For scripts', '$0 security scan --json'],
    ],
  });

  staged = Option.Boolean('--staged', false, {
    description: 'Scan the staged blobs instead of files on disk',
  });
  json = Option.Boolean('--json', false, { description: 'Print findings and counts as JSON' });
  targets = Option.Rest({ name: 'paths' });

  async execute(): Promise<number> {
    const { securityScan } = await import('../../../services/security');
    const { formatFindings } = await import('../../../lib/secrets');
    const report = await securityScan({ cwd: this.cwd, paths: this.targets, staged: this.staged });
    const failed = report.findings.length > 0 ? 1 : 0;
    if (this.json) {
      this.printJson(report);
      return failed;
    }
    const scope = report.mode === 'staged' ? 'staged file' : 'file';
    const scanned = `${report.counts.filesScanned} ${scope}${report.counts.filesScanned === 1 ? '' : 's'} scanned`;
    if (!failed) this.print(`No secrets found (${scanned}).`);
    else this.print(`${formatFindings(report.findings).trimEnd()}\n(${scanned}.)`);
    return failed;
  }
}
