import { Option } from 'clipanion';
import { BrCommand, Category } from '../../base';

export class DesignGenerateCommand extends BrCommand {
  static override paths = [['design', 'generate']];
  static override usage = BrCommand.Usage({
    category: Category.design,
    description:
      'Merge a profile, a pattern and your brand into an accessible theme: theme.css, DESIGN.md, DTCG, shadcn item',
    details: `
      Precedence: brand overrides > pattern > profile > base, except that the larger minimum target size
      and the stricter accessibility setting always win, and a colour that would put a light value in dark
      mode (or the reverse) is refused. Every colour pair the theme promises is checked in light and dark
      mode; a failing pair is repaired by moving OKLCH lightness at the same hue and chroma, and the report
      shows each before/after. Writes DESIGN.md, theme.css (Tailwind v4), registry-item.json (shadcn
      registry:theme) and design.tokens.json (DTCG); \`--tailwind3\` adds tailwind.config.js and
      variables.css for Tailwind 3 projects. The same inputs give byte-identical files.

      A brand file is a DTCG document, e.g. {"palette": {"primary": {"$type": "color", "$value": {"colorSpace": "srgb", "components": [0.23, 0.51, 0.96]}}}}
      (seeds for both modes), or color.light.<name> / color.dark.<name> with a shadcn/ui name.
    `,
    examples: [
      ['A healthcare dashboard theme into ./design', '$0 design generate healthcare dashboard'],
      [
        'With your brand colour, into src/styles',
        '$0 design generate fintech analytics --brand brand.tokens.json --out src/styles',
      ],
      ['Only the report, as JSON', '$0 design generate saas crm --dry-run --json'],
    ],
  });

  profile = Option.String({ name: 'PROFILE' });
  pattern = Option.String({ name: 'PATTERN' });
  brand = Option.String('--brand', {
    description: 'A DTCG brand file whose tokens override the profile and pattern',
  });
  out = Option.String('--out', 'design', { description: 'Folder to write the files into (default: design)' });
  tailwind3 = Option.Boolean('--tailwind3', false, {
    description: 'Also write tailwind.config.js and variables.css for Tailwind 3',
  });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Compute and report without writing files' });
  json = Option.Boolean('--json', false, {
    description: 'Print the files, conflicts, repairs and checks as JSON',
  });

  async execute(): Promise<number> {
    const [{ generateDesign }, { renderTable }] = await Promise.all([
      import('../../../services/design'),
      import('../../render/table'),
    ]);
    const result = await generateDesign({
      profile: this.profile,
      pattern: this.pattern,
      brandFile: this.brand,
      outDir: this.dryRun ? null : this.out,
      tailwind3: this.tailwind3,
      cwd: this.cwd,
    });
    if (this.json) {
      this.printJson(result);
      return 0;
    }
    const { report } = result;
    const ratio = (r: number) => (Math.floor(r * 100) / 100).toFixed(2);
    this.print(
      `${result.profile} × ${result.pattern}${result.brand ? ` with ${result.brand}` : ''}: ${result.settings.contrast}, ${result.settings.density}, ${result.settings.defaultMode} by default`,
    );
    if (report.conflicts.length) {
      this.print(`\nConflicts resolved (${report.conflicts.length}):`);
      this.print(
        renderTable(
          ['token', 'sources', 'winner', 'rule'],
          report.conflicts.map((c) => [
            c.path,
            c.sources.map((s) => `${s.source}=${s.value}`).join(' '),
            `${c.winner}=${c.value}`,
            c.rule,
          ]),
        ),
      );
    }
    if (report.repairs.length) {
      this.print(`\nContrast repairs (${report.repairs.length}), OKLCH lightness moved:`);
      this.print(
        renderTable(
          ['mode', 'token', 'pair', 'before', 'after', 'method'],
          report.repairs.map((r) => [
            r.mode,
            r.token,
            `${r.pair} ≥ ${r.threshold}`,
            `${r.before.hex} ${ratio(r.before.ratio)}`,
            `${r.after.hex} ${ratio(r.after.ratio)}`,
            r.method,
          ]),
        ),
      );
    }
    for (const s of report.sizes) this.print(`size: ${s.token} ${s.before}px → ${s.after}px (${s.rule})`);
    const lowest = Math.min(...report.checks.map((c) => c.ratio / c.threshold));
    this.print(
      `\n${report.checks.length} colour pairs checked in light and dark mode: all pass (tightest at ${ratio(lowest)}× its threshold).`,
    );
    if (result.outDir === null) this.print('Dry run: no files written.');
    else this.print(`Wrote ${result.files.map((f) => f.path).join(', ')} to ${result.outDir || '.'}/`);
    return 0;
  }
}
