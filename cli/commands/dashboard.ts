import { Option } from 'clipanion';
import * as t from 'typanion';
import { BrCommand, Category } from '../base';

export class DashboardCommand extends BrCommand {
  static override paths = [['dashboard']];
  static override usage = BrCommand.Usage({
    category: Category.reports,
    description: "Serve every repository's builds, live, on one local web page",
    details: `
      A web server over the same database and Temporal namespace as the CLI: one row per repository
      (failed, blocked and awaiting-approval builds first) with spend and success rates, and a page per
      build with its task graph, attempts, cost over time, events and gaps. Pages refresh by
      server-sent events; every page has a JSON twin under /api. It binds 127.0.0.1 unless --host says
      otherwise, reads the database over a read-only connection, and serves its scripts itself (no CDN).
      Steering (pause, resume, cancel) is offered only with --allow-control.
    `,
    examples: [
      ['Open the dashboard', '$0 dashboard'],
      ['On port 8080, without opening a browser', '$0 dashboard --port 8080 --no-open'],
    ],
  });

  port = Option.String('--port', '7358', {
    description: 'Port to listen on (0 picks a free one)',
    validator: t.cascade(t.isNumber(), t.isInteger(), t.isInInclusiveRange(0, 65535)),
  });
  host = Option.String('--host', '127.0.0.1', { description: 'Address to bind (default loopback only)' });
  open = Option.Boolean('--open', true, { description: 'Open the page in a browser (--no-open: do not)' });
  allowControl = Option.Boolean('--allow-control', false, {
    description: 'Offer pause, resume and cancel on build pages',
  });

  async execute(): Promise<number> {
    const [{ openDashboardDatabase }, { startDashboard }] = await Promise.all([
      import('../../services/dashboard-build'),
      import('../../dashboard/server'),
    ]);
    const ctx = await this.serviceContext();
    const db = ctx.database ?? (await openDashboardDatabase(ctx));
    const owned = !ctx.database;
    const scoped = { ...ctx, database: db };
    let dashboard;
    try {
      dashboard = await startDashboard({
        ctx: scoped,
        db,
        host: this.host,
        port: this.port,
        allowControl: this.allowControl,
      });
    } catch (err) {
      if (owned) await db.close();
      throw err;
    }
    // Listen for Ctrl-C before saying where it serves: whoever reads that line may stop it at once.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(this.host))
      this.printError(
        `Warning: listening on ${this.host} exposes the dashboard to ${['0.0.0.0', '::'].includes(this.host) ? 'every network interface' : 'the network'} without authentication: anyone who reaches it reads every build${this.allowControl ? ' and can steer them' : ''}.`,
      );
    this.print(`Dashboard on ${dashboard.url}${this.allowControl ? ' (steering allowed)' : ' (read-only)'}`);
    if (this.open) (await import('../../dashboard/open')).openBrowser(dashboard.url);
    await stopped;
    await dashboard.close();
    if (owned) await db.close();
    return 0;
  }
}
