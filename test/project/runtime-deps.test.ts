import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * What `br` runs is installed without devDependencies (`npm ci --omit=dev`, or `npm install -g`): every
 * package the shipped sources load at run time must be a dependency. Type-only imports are erased by
 * the compiler and do not count.
 */
const ROOT = path.join(__dirname, '../..');
const SHIPPED = ['cli', 'mcp', 'services', 'worker', 'workflows', 'activities', 'lib'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.ts$/.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

/** Bare specifiers loaded at run time: value imports, re-exports, dynamic import() and require(). */
export function runtimeImports(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /^\s*import\s+(?!type\s)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm,
    /^\s*export\s+(?!type\s)[^'"]*?\s+from\s+['"]([^'"]+)['"]/gm,
    /(?<![\w.])import\(\s*['"]([^'"]+)['"]\s*\)(?!\s*\.\w+\s*[>;,)|&])/g,
    /\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]/g,
  ];
  for (const pattern of patterns)
    for (const m of code.matchAll(pattern)) {
      const spec = m[1]!;
      if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(packageOf(spec)))
        continue;
      found.add(packageOf(spec));
    }
  return [...found].sort();
}

describe('runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const declared = new Set([
    ...Object.keys(pkg.dependencies),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);

  it('every package the shipped sources load is a dependency, not a devDependency', () => {
    const missing: string[] = [];
    for (const dir of SHIPPED)
      for (const file of sources(path.join(ROOT, dir)))
        for (const name of runtimeImports(readFileSync(file, 'utf8')))
          if (!declared.has(name)) missing.push(`${path.relative(ROOT, file)}: ${name}`);
    expect(missing).toEqual([]);
  });

  it('finds value, dynamic and require imports and skips type-only ones', () => {
    const code = [
      "import type { X } from 'only-types';",
      "import { a } from 'value-pkg';",
      "import '@scope/side-effect/sub';",
      "export { b } from 're-exported';",
      "const { ESLint } = await import('eslint');",
      "const p = require.resolve('typescript/bin/tsc');",
      "import fs from 'node:fs';",
      "import path from 'path';",
      "import { c } from './local';",
    ].join('\n');
    expect(runtimeImports(code)).toEqual([
      '@scope/side-effect',
      'eslint',
      're-exported',
      'typescript',
      'value-pkg',
    ]);
  });
});
