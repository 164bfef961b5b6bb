import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../services/paths';

/** Everything the pages load, served by the dashboard itself: it works offline, with no CDN. */
export interface Asset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function sources(): Record<string, string> {
  const own = path.join(packageRoot(), 'dashboard', 'assets');
  const uplot = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  return {
    'app.js': path.join(own, 'app.js'),
    'style.css': path.join(own, 'style.css'),
    'uPlot.iife.min.js': path.join(uplot, 'uPlot.iife.min.js'),
    'uPlot.min.css': path.join(uplot, 'uPlot.min.css'),
  };
}

export function loadAssets(): Map<string, Asset> {
  return new Map(
    Object.entries(sources()).map(([name, file]) => [
      name,
      { type: TYPES[path.extname(name)]!, body: readFileSync(file) },
    ]),
  );
}
