import { named, UUID, type Named } from './catalog-build';
import type { SecretRule } from './types';

const n = (
  id: string,
  family: string,
  description: string,
  names: string,
  value: string,
  extra: Partial<Named> = {},
): SecretRule => named({ id, family, description, names, value, keywords: keywordsOf(names), ...extra });

/** The literal provider names in a names pattern (`linked[_-]?in` gives `linked`), lower-cased. */
function keywordsOf(names: string): string[] {
  return names.split('|').map((alt) => alt.replace(/\[.*$|\(.*$|\\.*$/, '').toLowerCase());
}

/**
 * Provider secrets without a prefix of their own (hex, alphanumeric, UUIDs): reported only when a name
 * of the provider stands next to them, as in `HEROKU_API_KEY=…` or `"datadog": { "apiKey": … }`.
 */
// prettier-ignore
export const NAMED_RULES: SecretRule[] = [
  n('adafruit-key', 'adafruit', 'Adafruit IO key', 'adafruit', '[a-z0-9_-]{32}'),
  n('adobe-client-id', 'adobe', 'Adobe client id', 'adobe', '[a-f0-9]{32}'),
  n('airtable-key', 'airtable', 'Airtable API key', 'airtable', 'key[a-z0-9]{14}|[a-z0-9]{17}'),
  n('algolia-key', 'algolia', 'Algolia API key', 'algolia', '[a-z0-9]{32}'),
  n('alibaba-secret', 'alibaba', 'Alibaba Cloud AccessKey secret', 'alibaba|aliyun', '[a-z0-9]{30}'),
  n('asana-secret', 'asana', 'Asana client secret or id', 'asana', '[a-z0-9]{32}|[0-9]{16}'),
  n('atlassian-legacy-token', 'atlassian', 'Atlassian (Jira, Confluence) API token', 'atlassian|confluence|jira', '[a-z0-9]{24}'),
  n('beamer-token', 'beamer', 'Beamer API key', 'beamer', 'b_[a-z0-9=_-]{44}'),
  n('bitbucket-secret', 'bitbucket', 'Bitbucket client secret or id', 'bitbucket', '[a-z0-9=_-]{64}|[a-z0-9]{32}'),
  n('bittrex-key', 'bittrex', 'Bittrex API key or secret', 'bittrex', '[a-z0-9]{32}'),
  n('cisco-meraki-key', 'cisco-meraki', 'Cisco Meraki API key', 'meraki', '[0-9a-f]{40}'),
  n('cloudflare-key', 'cloudflare', 'Cloudflare API token or global API key', 'cloudflare|cf_api', '[a-z0-9_-]{40}|[a-f0-9]{37}'),
  n('codecov-token', 'codecov', 'Codecov upload token', 'codecov', `${UUID}|[a-z0-9]{32}`),
  n('cohere-key', 'cohere', 'Cohere API key', 'cohere|co_api_key', '[a-z0-9]{40}'),
  n('coinbase-token', 'coinbase', 'Coinbase API token', 'coinbase', '[a-z0-9_-]{64}'),
  n('confluent-key', 'confluent', 'Confluent Cloud API key or secret', 'confluent', '[a-z0-9+/]{64}|[a-z0-9]{16}'),
  n('contentful-token', 'contentful', 'Contentful delivery API token', 'contentful', '[a-z0-9=_-]{43}'),
  n('datadog-key', 'datadog', 'Datadog API or application key', 'datadog|dd_api|dd_app', '[a-f0-9]{40}|[a-f0-9]{32}'),
  n('discord-secret', 'discord', 'Discord client secret or API token', 'discord', '[a-f0-9]{64}|[a-z0-9=_-]{32}'),
  n('droneci-token', 'droneci', 'Drone CI access token', 'drone', '[a-z0-9]{32}', { wordStart: true }),
  n('dropbox-token', 'dropbox', 'Dropbox access token', 'dropbox', 'sl\\.[a-z0-9_=-]{130,160}|[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43}|[a-z0-9]{15}'),
  n('etsy-token', 'etsy', 'Etsy API key', 'etsy', '[a-z0-9]{24}', { wordStart: true }),
  n('facebook-secret', 'facebook', 'Facebook app secret', 'facebook|fb_app', '[a-f0-9]{32}'),
  n('fastly-token', 'fastly', 'Fastly API token', 'fastly', '[a-z0-9=_-]{32}'),
  n('finicity-secret', 'finicity', 'Finicity API token or client secret', 'finicity', '[a-f0-9]{32}|[a-z0-9]{20}'),
  n('finnhub-token', 'finnhub', 'Finnhub API token', 'finnhub', '[a-z0-9]{20}'),
  n('flickr-token', 'flickr', 'Flickr API key', 'flickr', '[a-z0-9]{32}'),
  n('freshbooks-token', 'freshbooks', 'FreshBooks access token', 'freshbooks', '[a-z0-9]{64}'),
  n('gitter-token', 'gitter', 'Gitter access token', 'gitter', '[a-z0-9_-]{40}'),
  n('gocardless-token', 'gocardless', 'GoCardless live access token', 'gocardless', 'live_[a-z0-9_=-]{40}'),
  n('heroku-api-key', 'heroku', 'Heroku API key', 'heroku', UUID),
  n('hubspot-key', 'hubspot', 'HubSpot API key', 'hubspot', UUID),
  n('intercom-token', 'intercom', 'Intercom access token', 'intercom', '[a-z0-9=_-]{60}'),
  n('jfrog-token', 'jfrog', 'JFrog API key or identity token', 'jfrog|artifactory|bintray|xray', '[a-z0-9]{73}|[a-z0-9]{64}'),
  n('kraken-token', 'kraken', 'Kraken API secret', 'kraken', '[a-z0-9/=_+-]{80,90}'),
  n('kucoin-key', 'kucoin', 'KuCoin API key or secret', 'kucoin', `${UUID}|[a-f0-9]{24}`),
  n('launchdarkly-token', 'launchdarkly', 'LaunchDarkly access token or SDK key', 'launchdarkly|launch_darkly', `(?:api|sdk|mob)-${UUID}|[a-z0-9=_-]{40}`),
  n('linear-secret', 'linear', 'Linear client secret', 'linear', '[a-f0-9]{32}'),
  n('linkedin-secret', 'linkedin', 'LinkedIn client secret or id', 'linked[_-]?in', '[a-z0-9]{16}|[a-z0-9]{14}', { keywords: ['linkedin', 'linked_in', 'linked-in'] }),
  n('linode-token', 'linode', 'Linode (Akamai) personal access token', 'linode', '[a-f0-9]{64}'),
  n('lob-key', 'lob', 'Lob API key', 'lob', '(?:live|test)_(?:pub_[a-f0-9]{31}|[a-f0-9]{35})', { wordStart: true, keywords: ['live_', 'test_'] }),
  n('looker-secret', 'looker', 'Looker client secret or id', 'looker', '[a-z0-9]{24}|[a-z0-9]{20}'),
  n('mailgun-other-key', 'mailgun', 'Mailgun public or webhook signing key', 'mailgun', 'pubkey-[a-f0-9]{32}|[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}'),
  n('mattermost-token', 'mattermost', 'Mattermost access token', 'mattermost', '[a-z0-9]{26}'),
  n('messagebird-key', 'messagebird', 'MessageBird API key or client id', 'message[_-]?bird', `${UUID}|[a-z0-9]{25}`, { keywords: ['bird'] }),
  n('netlify-token', 'netlify', 'Netlify access token', 'netlify', '[a-z0-9=_-]{40,46}'),
  n('new-relic-user-id', 'new-relic', 'New Relic user API id', 'new[_-]?relic', '[a-z0-9]{64}', { keywords: ['relic'] }),
  n('notion-legacy-token', 'notion', 'Notion integration token (legacy format)', 'notion', 'secret_[a-z0-9]{43}'),
  n('nytimes-key', 'nytimes', 'New York Times API key', 'nytimes|new[_-]?york[_-]?times', '[a-z0-9=_-]{32}', { keywords: ['nytimes', 'york'] }),
  n('okta-token', 'okta', 'Okta API token', 'okta', '00[a-z0-9=_-]{40}', { wordStart: true }),
  n('plaid-secret', 'plaid', 'Plaid access token, secret or client id', 'plaid', `access-(?:sandbox|development|production)-${UUID}|[a-z0-9]{30}|[a-z0-9]{24}`),
  n('privateai-key', 'privateai', 'Private AI API key', 'private[_-]?ai', '[a-z0-9]{32}', { keywords: ['privateai', 'private_ai', 'private-ai'] }),
  n('rapidapi-key', 'rapidapi', 'RapidAPI key', 'rapidapi|rapid_api|x-rapidapi-key', '[a-z0-9_-]{50}'),
  n('sendbird-token', 'sendbird', 'Sendbird API token or app id', 'sendbird', `[a-f0-9]{40}|${UUID}`),
  n('sentry-auth-token', 'sentry', 'Sentry auth token (legacy hex)', 'sentry', '[a-f0-9]{64}'),
  n('sidekiq-secret', 'sidekiq', 'Sidekiq Pro/Enterprise credentials', 'bundle_enterprise__contribsys__com|bundle_gems__contribsys__com', '[a-f0-9]{8}:[a-f0-9]{8}'),
  n('snyk-token', 'snyk', 'Snyk API token', 'snyk', UUID, { wordStart: true }),
  n('sonar-legacy-token', 'sonar', 'SonarQube token (legacy)', 'sonar', '[a-z0-9]{40}'),
  n('squarespace-token', 'squarespace', 'Squarespace API key', 'squarespace', UUID),
  n('sumologic-key', 'sumologic', 'Sumo Logic access id or key', 'sumo', '[a-z0-9]{64}|su[a-z0-9]{12}', { wordStart: true }),
  n('travisci-token', 'travisci', 'Travis CI access token', 'travis', '[a-z0-9]{22}'),
  n('twitch-token', 'twitch', 'Twitch API token', 'twitch', '[a-z0-9]{30}'),
  n('twitter-secret', 'twitter', 'X (Twitter) API key, secret or access token', 'twitter|x_api|x_consumer', '[0-9]{15,25}-[a-z0-9]{20,40}|[a-z0-9]{50}|[a-z0-9]{45}|[a-z0-9]{25}'),
  n('vault-legacy-token', 'hashicorp', 'HashiCorp Vault token (legacy s. format)', 'vault', 's\\.[a-z0-9]{24}'),
  n('vercel-legacy-token', 'vercel', 'Vercel access token (legacy format)', 'vercel|now_token', '[a-z0-9]{24}'),
  n('yandex-key', 'yandex', 'Yandex Cloud static access key', 'yandex', 'YC[a-z0-9_-]{38}'),
  n('zendesk-secret', 'zendesk', 'Zendesk API token', 'zendesk', '[a-z0-9]{40}'),
];
