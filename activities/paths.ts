import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/** The BuildRunner package folder (where package.json, prisma/ and examples/ live), from source or dist/. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'buildrunner') return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`BuildRunner package root not found above ${__dirname}`);
    dir = parent;
  }
}

export function migrationsDir(): string {
  return path.join(packageRoot(), 'prisma', 'migrations');
}

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
