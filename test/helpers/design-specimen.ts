import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DesignTheme } from '../../lib/design/theme';

interface TailwindCompiler {
  build(candidates: string[]): string;
}
// tailwindcss 4 ships its types as .d.mts only, which this project's CommonJS resolution cannot read.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile } = require('tailwindcss') as {
  compile(
    css: string,
    options: {
      base: string;
      loadStylesheet(id: string, base: string): Promise<{ path: string; base: string; content: string }>;
    },
  ): Promise<TailwindCompiler>;
};

const tailwindDir = path.dirname(require.resolve('tailwindcss/package.json'));

/** Compiles CSS with Tailwind v4's own compiler, resolving `@import "tailwindcss"` from node_modules. */
export async function compileTailwind(css: string, candidates: string[]): Promise<string> {
  const compiler = await compile(css, {
    base: tailwindDir,
    loadStylesheet: async (id: string, base: string) => {
      const file = id === 'tailwindcss' ? path.join(tailwindDir, 'index.css') : path.resolve(base, id);
      return { path: file, base: path.dirname(file), content: readFileSync(file, 'utf8') };
    },
  });
  return compiler.build(candidates);
}

/** A page of components and states using every semantic pair the theme promises. */
export function specimenBody(theme: DesignTheme): string {
  const btn =
    'inline-flex items-center h-control-md min-h-target min-w-target px-4 rounded-lg text-sm font-medium';
  const kpis = [1, 2, 3, 4, 5]
    .map(
      (i) =>
        `<div class="bg-card text-card-foreground border border-border rounded-lg p-3 min-w-32"><div class="text-xs text-muted-foreground">Series ${i}</div><div class="text-3xl font-bold text-chart-${i}">${i * 9}%</div></div>`,
    )
    .join('');
  return `
<div class="flex min-h-screen bg-background text-foreground font-sans text-base">
  <aside class="w-48 bg-sidebar text-sidebar-foreground border-r border-sidebar-border p-3 flex flex-col gap-1">
    <div class="font-heading text-lg font-semibold px-2 py-1">${theme.profile.title}</div>
    <a href="#" class="rounded-md px-2 py-1 bg-sidebar-primary text-sidebar-primary-foreground">Overview (current)</a>
    <a href="#" class="rounded-md px-2 py-1 bg-sidebar-accent text-sidebar-accent-foreground">Reports (hover)</a>
    <a href="#" class="rounded-md px-2 py-1 ring-2 ring-sidebar-ring">Settings (focus)</a>
    <a href="#" class="rounded-md px-2 py-1">Help</a>
  </aside>
  <main class="flex-1 p-6 flex flex-col gap-gutter">
    <header>
      <h1 class="font-heading text-3xl font-semibold">${theme.profile.title} × ${theme.pattern.title}</h1>
      <p class="text-muted-foreground">${theme.pattern.summary} <a href="#" class="text-primary underline">Read the guide</a>.</p>
    </header>
    <div class="flex flex-wrap gap-2">
      <button class="${btn} bg-primary text-primary-foreground">Save changes</button>
      <button class="${btn} bg-secondary text-secondary-foreground">Cancel</button>
      <button class="${btn} bg-destructive text-destructive-foreground">Delete</button>
      <button class="${btn} border border-input bg-background text-foreground ring-2 ring-ring">Focused</button>
      <span class="inline-flex items-center rounded-md px-2 text-xs bg-secondary text-secondary-foreground">Badge</span>
    </div>
    <div class="flex flex-wrap gap-2">${kpis}</div>
    <div class="grid grid-cols-2 gap-gutter">
      <section class="bg-card text-card-foreground border border-border rounded-lg p-4 flex flex-col gap-2">
        <h2 class="font-heading text-xl font-semibold">Account</h2>
        <label class="text-sm" for="email">Email</label>
        <input id="email" value="ada@example.com" class="h-control-md rounded-md border border-input bg-card text-card-foreground px-2">
        <p class="text-sm text-destructive">This address is already in use.</p>
        <p class="text-sm text-muted-foreground">We never share it. <a href="#" class="text-primary underline">Privacy</a></p>
      </section>
      <section class="bg-card text-card-foreground border border-border rounded-lg overflow-hidden">
        <div class="bg-muted text-muted-foreground text-sm px-4 py-2">Recent activity</div>
        <div class="px-4 py-2 bg-accent text-accent-foreground">Invoice 1042 paid (selected)</div>
        <div class="px-4 py-2">Invoice 1041 sent</div>
        <div class="px-4 py-2 bg-popover text-popover-foreground border border-border m-2 rounded-md shadow">Menu: Edit, Duplicate, Archive</div>
      </section>
    </div>
    <p class="text-destructive">Payment failed: card declined.</p>
  </main>
</div>`;
}

export function specimenCandidates(body: string): string[] {
  return [...new Set([...body.matchAll(/class="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s+/)))];
}

export function specimenHtml(body: string, css: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>specimen</title><style>${css}</style></head><body>${body}</body></html>`;
}
