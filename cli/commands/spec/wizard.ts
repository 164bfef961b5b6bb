import { PassThrough } from 'node:stream';
import path from 'node:path';
import { Cli, Option, UsageError } from 'clipanion';
import { BrCommand, Category } from '../../base';
import type { DesignChoices } from '../../prompts/spec-wizard';

/** Environment variables that mean a CI job or a coding agent is running the command. */
export const NON_INTERACTIVE_ENV = ['CI', 'CLAUDECODE', 'BR_NO_INPUT'];

export class SpecWizardCommand extends BrCommand {
  static override paths = [
    ['spec', 'wizard'],
    ['spec', 'new'],
  ];
  static override usage = BrCommand.Usage({
    category: Category.planning,
    description: 'Write PROJECT_SPEC.md from a few questions (features, acceptance criteria, dependencies)',
    details: `
      Asks for the project, its description and its features (title, priority, description,
      acceptance criteria, dependencies), writes \`PROJECT_SPEC.md\` in the form \`br plan\` reads,
      and adds the features to \`.buildrunner/features.json\`. When the design system (\`br design\`)
      is installed it also asks for an industry profile and a use-case pattern.

      Every question has a flag and a key in an \`--answers\` JSON file (\`project\`, \`description\`,
      \`industry\`, \`useCase\`, \`features\`: [{ \`title\`, \`id\`, \`priority\`, \`required\`,
      \`description\`, \`acceptance\`: [...], \`dependsOn\`: [...] }]). A \`--feature\` flag is a title
      with optional \`| key=value\` parts: \`priority=high\`, \`id=F001\`, \`required\`,
      \`description=…\`, \`accept=one; two\`, \`after=Other feature\`.

      It prompts only on a terminal. With stdin not a terminal, \`--no-input\`, or CI, CLAUDECODE or
      BR_NO_INPUT set, it never prompts: a missing answer exits 2 naming its flag. An existing
      different spec is replaced only with \`--force\`. \`br spec new\` is the same command.
    `,
    examples: [
      ['Answer the questions', '$0 spec wizard'],
      ['From a file (CI, agents)', '$0 spec wizard --answers answers.json'],
      [
        'All by flags',
        '$0 spec wizard --project shop --description "A small shop" --feature "Catalog | priority=high | accept=Lists products" --feature "Cart | after=Catalog"',
      ],
    ],
  });

  project = Option.String('--project', { description: 'Project name' });
  description = Option.String('--description', { description: 'What the project does' });
  industry = Option.String('--industry', { description: 'Design industry profile (with br design)' });
  useCase = Option.String('--use-case', { description: 'Design use-case pattern (with br design)' });
  features = Option.Array('--feature', [], {
    description: 'A feature: "Title | priority=high | accept=…" (repeatable)',
  });
  answersFile = Option.String('--answers', { description: 'JSON file with the answers' });
  out = Option.String('--out', {
    description: 'Where to write the spec (default: PROJECT_SPEC.md at the project root)',
  });
  force = Option.Boolean('--force', false, { description: 'Replace an existing different spec' });
  input = Option.Boolean('--input', true, {
    description: 'Prompt for missing answers on a terminal (--no-input: never)',
  });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });

  async execute(): Promise<number> {
    const { readFileSync } = await import('node:fs');
    const spec = await import('../../../lib/spec/answers');
    const { askMissing } = await import('../../prompts/spec-wizard');
    const { writeSpec } = await import('../../../services/spec');
    const { projectRoot } = await import('../../../services/project-root');
    let answers;
    try {
      const fromFile = this.answersFile
        ? spec.parseAnswers(readFileSync(path.resolve(this.cwd, this.answersFile), 'utf8'), this.answersFile)
        : {};
      const fromFlags = spec.specAnswersSchema.parse({
        project: this.project,
        description: this.description,
        industry: this.industry,
        useCase: this.useCase,
        features: this.features.map(spec.parseFeatureFlag),
      });
      answers = spec.mergeAnswers(fromFile, fromFlags);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const design = await this.designChoices();
    const reason = this.whyNotInteractive();
    if (!reason)
      answers = await askMissing(
        answers,
        design,
        { input: this.context.stdin, output: this.context.stdout },
        { project: path.basename(projectRoot(this.cwd)) },
      );
    const missing = spec.missingAnswers(answers);
    if (missing.length) {
      for (const q of missing)
        this.printError(
          `Missing answer: ${q.label}. Pass ${q.flag}${q.key === 'features' ? ' "Title" (repeatable)' : ' …'} or put "${q.key}" in the --answers file.`,
        );
      this.printError(`Not prompting: ${reason ?? 'no answer given'}.`);
      return 2;
    }
    for (const [key, flag, choices] of [
      ['industry', '--industry', design?.profiles],
      ['useCase', '--use-case', design?.patterns],
    ] as const) {
      const value = answers[key];
      if (value === undefined) continue;
      if (!design) {
        this.printError(
          `Note: the design system (br design, issue 17) is not installed: ${flag} ${value} is written to the spec unchecked.`,
        );
        continue;
      }
      const match = choices!.find((c) => c.toLowerCase() === value.toLowerCase());
      if (!match) {
        this.printError(`Unknown ${flag} "${value}". Choose one of: ${choices!.join(', ')}.`);
        return 2;
      }
      answers[key] = match;
    }
    const result = writeSpec({
      cwd: this.cwd,
      answers: answers as Parameters<typeof writeSpec>[0]['answers'],
      out: this.out,
      force: this.force,
    });
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    const rel = path.relative(this.cwd, result.spec.file) || result.spec.file;
    this.print(`${result.spec.outcome.padEnd(9)} ${rel}`);
    if (result.features.added.length)
      this.print(`tracked   ${result.features.added.join(', ')} in .buildrunner/features.json`);
    this.print(`Next: br plan ${rel}`);
    return 0;
  }

  private whyNotInteractive(): string | null {
    if (!this.input) return '--no-input';
    const set = NON_INTERACTIVE_ENV.find((name) => {
      const v = this.env[name];
      return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
    });
    if (set) return `${set} is set`;
    if (!(this.context.stdin as { isTTY?: boolean }).isTTY) return 'stdin is not a terminal';
    return null;
  }

  /**
   * The design system's profiles and patterns (issue 17), else null. The installed `br` registers only
   * the command argv names (cli/manifest.ts), so `br spec wizard` loads the design commands itself.
   */
  private async designChoices(): Promise<DesignChoices | null> {
    const paths = this.cli.definitions().map((d) => d.path);
    const cli = paths.some((p) => p.startsWith('br design profile')) ? this.cli : await designCli();
    const { namesFromJson } = await import('../../prompts/spec-wizard');
    const list = async (kind: 'profile' | 'pattern'): Promise<string[]> => {
      for (const argv of [
        ['design', kind, 'list', '--json'],
        ['design', kind, '--json'],
      ]) {
        const out = new PassThrough();
        let text = '';
        out.on('data', (c: Buffer) => (text += c.toString()));
        const code = await cli.run(argv, { ...this.context, stdout: out, stderr: new PassThrough() });
        if (code !== 0) continue;
        try {
          const names = namesFromJson(JSON.parse(text));
          if (names.length) return names;
        } catch {
          continue;
        }
      }
      return [];
    };
    const choices = { profiles: await list('profile'), patterns: await list('pattern') };
    return choices.profiles.length && choices.patterns.length ? choices : null;
  }
}

/** A CLI of the design commands only, for a `br` that loaded just the wizard. */
async function designCli(): Promise<Pick<Cli, 'run'>> {
  const [{ DesignProfileCommand }, { DesignPatternCommand }] = await Promise.all([
    import('../design/profile'),
    import('../design/pattern'),
  ]);
  const cli = new Cli({ binaryLabel: 'BuildRunner', binaryName: 'br' });
  cli.register(DesignProfileCommand);
  cli.register(DesignPatternCommand);
  return cli;
}
