import { html, type Html } from './html';

/** What a route answers: a page, JSON, an asset, or a redirect after a steering form. */
export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  cache?: string;
  redirect?: string;
}

export function htmlReply(status: number, page: Html): Reply {
  return { status, type: 'text/html; charset=utf-8', body: page.value };
}

export function jsonReply(status: number, data: unknown): Reply {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(data, null, 2) };
}

export function errorReply(status: number, title: string, message: string): Reply {
  return htmlReply(
    status,
    html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>${title} · BuildRunner</title>
          <link rel="stylesheet" href="/assets/style.css" />
        </head>
        <body>
          <main>
            <h1>${status} ${title}</h1>
            <p>${message}</p>
            <p><a href="/">All builds</a></p>
          </main>
        </body>
      </html>`,
  );
}
