import { html, type Html } from './html';

/** The page shell: one stylesheet and one deferred script, both served by the dashboard itself. */
export function page(options: { title: string; body: Html; scripts?: string[]; styles?: string[] }): Html {
  const scripts = options.scripts ?? [];
  const styles = options.styles ?? [];
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>${options.title} · BuildRunner</title>
        ${styles.map((s) => html`<link rel="stylesheet" href="${s}" />`)}
        <link rel="stylesheet" href="/assets/style.css" />
        ${scripts.map((s) => html`<script defer src="${s}"></script>`)}
      </head>
      <body>
        <header class="top">
          <a href="/" class="brand">BuildRunner</a
          ><span id="live" class="live" role="status" aria-live="polite"></span>
        </header>
        <main id="main">${options.body}</main>
      </body>
    </html> `;
}
