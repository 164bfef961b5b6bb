import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class SandboxRunCommand extends BrCommand {
  static override paths = [['sandbox', 'run']];
  static override usage = BrCommand.Usage({
    category: Category.setup,
    description: "Run one command in the sandbox exactly as a task's commands run",
    details: `
      Runs the command in the same bubblewrap sandbox as the agent's commands, the verification
      command and the hooks of task commits: only the folder (\`--dir\`, default the current one) is
      writable, the system is read-only, home folders and other checkouts are hidden, the network is
      off unless \`agent.network\` is true, the environment is the documented minimum plus the names in
      \`agent.env\`, and the time, memory, process, output and file-size limits of \`agent\` apply.
      Output is masked of secrets, as a task's would be. Exits with the command's exit code (1 when a
      limit stopped it). Refuses to run when no sandbox is available, unless \`agent.sandbox\` is "off".
    `,
    examples: [
      ['See what your verification command experiences', '$0 sandbox run -- npm test'],
      ['Probe the sandbox from a folder', '$0 sandbox run --dir ./scratch -- cat /proc/1/environ'],
      ['For scripts', '$0 sandbox run --json -- node -e "console.log(1)"'],
    ],
  });

  dir = Option.String('--dir', { description: 'The work folder (default: the current folder)' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });
  argv = Option.Rest({ name: 'command' });

  async execute(): Promise<number> {
    const { runSandboxCommand } = await import('../../../services/sandbox');
    const report = await runSandboxCommand({ cwd: this.cwd, env: this.env, dir: this.dir, argv: this.argv });
    const code = report.code === 0 && !report.timedOut && !report.outputLimited ? 0 : (report.code ?? 1) || 1;
    if (this.json) {
      this.printJson(report);
      return code;
    }
    this.context.stdout.write(report.output);
    if (report.output && !report.output.endsWith('\n')) this.context.stdout.write('\n');
    this.context.stderr.write(`[sandbox ${report.sandbox}, limits ${report.limits}: ${report.verdict}]\n`);
    return code;
  }
}
