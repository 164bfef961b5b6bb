import { familyCorpus, scoreFamilies } from '../../fixtures/secrets/corpus/family-corpus';
import { FAMILIES } from '../../fixtures/secrets/corpus/families';

/**
 * Provider families of gitleaks' default configuration (config/gitleaks.toml at gitleaks commit
 * b58d3f10: 222 rules), grouped by provider; `vault` is under `hashicorp`, `sendinblue` is `brevo`.
 * Not here: `generic-api-key` (the generic rules and the main corpus cover it) and `pkcs12-file`
 * (a binary file, which the scanner skips).
 */
const GITLEAKS_FAMILIES =
  `1password adafruit adobe age airtable algolia alibaba anthropic asana atlassian authress aws azure
beamer bitbucket bittrex brevo cisco-meraki clickhouse clojars cloudflare codecov cohere coinbase confluent contentful curl
databricks datadog defined-networking digitalocean discord doppler droneci dropbox duffel dynatrace easypost etsy facebook
fastly finicity finnhub flickr flutterwave fly frameio freemius freshbooks gcp github gitlab gitter gocardless grafana harness
hashicorp heroku hubspot huggingface infracost intercom intra42 jfrog jwt kraken kubernetes kucoin launchdarkly linear
linkedin lob looker mailchimp mailgun mapbox mattermost maxmind messagebird microsoft-teams netlify new-relic notion npm nuget
nytimes octopus-deploy okta openai openshift perplexity plaid planetscale postman prefect private-key privateai pulumi pypi
rapidapi readme rubygems scalingo sendbird sendgrid sentry settlemint shippo shopify sidekiq slack snyk sonar sourcegraph
square squarespace stripe sumologic telegram travisci twilio twitch twitter typeform yandex zendesk`.split(
    /\s+/,
  );

const scores = scoreFamilies(familyCorpus());

describe('secret detection per provider family', () => {
  it("has a corpus for every provider family of gitleaks' default rules, plus Supabase, Vercel and Linode", () => {
    expect(GITLEAKS_FAMILIES.filter((f) => !(f in FAMILIES))).toEqual([]);
    expect(Object.keys(FAMILIES)).toEqual(expect.arrayContaining(['supabase', 'vercel', 'linode']));
  });

  it('finds at least 95% of the documented token formats of every family', () => {
    const weak = scores.filter((s) => s.positives > 0 && s.recall < 0.95);
    expect(weak.map((s) => `${s.family} ${s.recall.toFixed(2)}: ${s.missedSamples[0]}`)).toEqual([]);
  });

  it('keeps every family at or above 80% precision against its look-alikes', () => {
    const weak = scores.filter((s) => s.positives > 0 && s.precision < 0.8);
    expect(weak.map((s) => `${s.family} ${s.precision.toFixed(2)}: ${s.falsePositiveSamples[0]}`)).toEqual(
      [],
    );
  });

  it('reports none of the hashes, ids and data URLs that share a token shape', () => {
    const shapes = scores.find((s) => s.family === 'shapes (no family)')!;
    expect(shapes.negatives).toBeGreaterThan(0);
    expect(shapes.falsePositiveSamples).toEqual([]);
  });
});
