import { Option } from 'clipanion';
import { BrCommand, Category } from '../base';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

export class DoctorCommand extends BrCommand {
  static override paths = [['doctor']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: 'Check Node, git, the database, Temporal and the API key, and say how to fix what fails',
    details: `
      Exits 1 when any check fails. Warnings (such as an end-of-life Node) do not fail.
      The API key is shown masked (prefix and last 4 characters).
    `,
    examples: [
      ['Check this machine', '$0 doctor'],
      ['For scripts', '$0 doctor --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'Print the report as JSON' });

  async execute(): Promise<number> {
    const { runDoctor } = await import('../../services/doctor');
    const report = await runDoctor({ configFile: this.configFile, cwd: this.cwd, env: this.env });
    if (this.json) {
      this.printJson(report);
      return report.ok ? 0 : 1;
    }
    const width = Math.max(...report.checks.map((c) => c.name.length));
    for (const check of report.checks) {
      this.print(`${MARK[check.status]} ${check.name.padEnd(width)}  ${check.detail}`);
      if (check.fix && check.status !== 'ok') this.print(`  ${' '.repeat(width)}  → ${check.fix}`);
    }
    this.print(
      report.ok ? '\nAll checks passed.' : '\nSome checks failed; fix them and run `br doctor` again.',
    );
    return report.ok ? 0 : 1;
  }
}
