import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBr } from '../../helpers/cli';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'br-design-cli-'));

describe('br design', () => {
  it('lists the eight profiles with their baseline, as a table and as JSON', async () => {
    const text = await runBr(['design', 'profile', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/healthcare\s+Healthcare\s+AAA/);
    const json = await runBr(['design', 'profile', 'list', '--json']);
    const rows = JSON.parse(json.stdout) as { id: string; law: { name: string } }[];
    expect(rows.map((r) => r.id)).toEqual([
      'healthcare',
      'fintech',
      'saas',
      'ecommerce',
      'education',
      'real-estate',
      'media',
      'enterprise',
    ]);
    expect(rows.find((r) => r.id === 'education')!.law.name).toMatch(/ADA Title II/);
  });

  it('shows a pattern, and its DTCG document with --json', async () => {
    const text = await runBr(['design', 'pattern', 'show', 'dashboard']);
    expect(text.stdout).toMatch(/Dashboard \(dashboard\)/);
    expect(text.stdout).toMatch(/density: compact/);
    const json = JSON.parse((await runBr(['design', 'pattern', 'show', 'crm', '--json'])).stdout);
    expect(json.document.size.control.md).toEqual({
      $type: 'dimension',
      $value: { value: 32, unit: 'px' },
      $description: 'default control height (compact)',
    });
  });

  it('says what to choose when a name is unknown', async () => {
    const result = await runBr(['design', 'profile', 'show', 'banking']);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/unknown profile "banking": choose one of healthcare/);
  });

  it('generates the files into --out, identical on a second run, with the repairs of a brand colour', async () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'brand.tokens.json'),
      JSON.stringify({
        palette: {
          primary: { $type: 'color', $value: { colorSpace: 'srgb', components: [0.2314, 0.5098, 0.9647] } },
        },
      }),
    );
    const first = await runBr(
      ['design', 'generate', 'saas', 'dashboard', '--brand', 'brand.tokens.json', '--out', 'styles'],
      { cwd: dir },
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /light\s+primary\s+primary-foreground on primary ≥ 4.5\s+#3b82f6 3\.\d\d\s+#\w{6} 4\.5\d/,
    );
    expect(first.stdout).toMatch(/all pass/);
    expect(readdirSync(path.join(dir, 'styles')).sort()).toEqual([
      'DESIGN.md',
      'design.tokens.json',
      'registry-item.json',
      'theme.css',
    ]);
    const before = readFileSync(path.join(dir, 'styles/theme.css'));
    const second = JSON.parse(
      (
        await runBr(
          [
            'design',
            'generate',
            'saas',
            'dashboard',
            '--brand',
            'brand.tokens.json',
            '--out',
            'styles',
            '--json',
          ],
          { cwd: dir },
        )
      ).stdout,
    );
    expect(readFileSync(path.join(dir, 'styles/theme.css')).equals(before)).toBe(true);
    expect(second).toMatchObject({
      id: 'saas-dashboard',
      brand: 'brand',
      outDir: 'styles',
      validation: [{ ok: true }],
    });
    expect(
      second.report.repairs.some(
        (r: { token: string; before: { hex: string } }) =>
          r.token === 'primary' && r.before.hex === '#3b82f6',
      ),
    ).toBe(true);
    expect(readFileSync(path.join(dir, 'styles/DESIGN.md'), 'utf8')).toMatch(/## Colour pairs you may use/);
  });

  it('writes the Tailwind 3 config only with --tailwind3, and nothing with --dry-run', async () => {
    const dir = tmp();
    await runBr(['design', 'generate', 'enterprise', 'admin-panel', '--tailwind3'], { cwd: dir });
    expect(readdirSync(path.join(dir, 'design'))).toEqual(
      expect.arrayContaining(['tailwind.config.js', 'variables.css']),
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the generated CommonJS config as Tailwind 3 would
    const loaded = require(path.join(dir, 'design/tailwind.config.js'));
    expect(loaded).toMatchObject({
      darkMode: 'class',
      theme: { colors: { primary: 'var(--primary)', 'chart-5': 'var(--chart-5)' } },
    });
    expect(readFileSync(path.join(dir, 'design/variables.css'), 'utf8')).toMatch(
      /\.dark \{\n {2}--background: oklch\(/,
    );
    const dry = await runBr(['design', 'generate', 'media', 'onboarding', '--dry-run', '--out', 'nowhere'], {
      cwd: dir,
    });
    expect(dry.stdout).toMatch(/Dry run: no files written/);
    expect(readdirSync(dir)).toEqual(['design']);
  });

  it('refuses a brand file that is not valid DTCG, with the parser message', async () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'brand.json'),
      JSON.stringify({ palette: { primary: { $type: 'color', $value: 'blue-ish' } } }),
    );
    const result = await runBr(['design', 'generate', 'saas', 'crm', '--brand', 'brand.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/brand file brand.json is not a valid DTCG document/);
  });
});
