import { ALNUM, B64, B64URL, DIGITS, HEX, LOWER, Rng, UPPER } from './rng';

/**
 * One generator per provider family of gitleaks' default configuration (plus Supabase, Vercel,
 * Linode), written from each provider's documented token format, independently of our rules'
 * regexes. Each gives the variable name a user would put the token in, and the token; or `raw` and
 * the exact text, for formats that are a context rather than a token (a curl header, a YAML Secret).
 */
export type Gen = (r: Rng) => [name: string, value: string];

const s = (r: Rng, alphabet: string, n: number) => r.str(alphabet, n);
const LHEX = HEX;
const LALNUM = LOWER + DIGITS;
const uuid = (r: Rng) => `${s(r, HEX, 8)}-${s(r, HEX, 4)}-4${s(r, HEX, 3)}-a${s(r, HEX, 3)}-${s(r, HEX, 12)}`;
const b64json = (r: Rng, n: number) => `eyJ${s(r, B64URL, n)}`;

export const FAMILIES: Record<string, Gen[]> = {
  '1password': [
    (r) => [
      'OP_SECRET_KEY',
      `A3-${s(r, UPPER + DIGITS, 6)}-${s(r, UPPER + DIGITS, 11)}-${s(r, UPPER + DIGITS, 5)}-${s(r, UPPER + DIGITS, 5)}-${s(r, UPPER + DIGITS, 5)}`,
    ],
    (r) => ['OP_SERVICE_ACCOUNT_TOKEN', `ops_eyJ${s(r, ALNUM, 300)}`],
  ],
  adafruit: [(r) => ['ADAFRUIT_IO_KEY', `aio_${s(r, ALNUM, 28)}`]],
  adobe: [
    (r) => ['ADOBE_CLIENT_SECRET', `p8e-${s(r, ALNUM, 32)}`],
    (r) => ['adobe_client_id', s(r, LHEX, 32)],
  ],
  age: [(r) => ['AGE_KEY', `AGE-SECRET-KEY-1${s(r, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`]],
  airtable: [
    (r) => ['AIRTABLE_TOKEN', `pat${s(r, ALNUM, 14)}.${s(r, LHEX, 64)}`],
    (r) => ['AIRTABLE_API_KEY', `key${s(r, ALNUM, 14)}`],
  ],
  algolia: [(r) => ['ALGOLIA_ADMIN_KEY', s(r, LHEX, 32)]],
  alibaba: [
    (r) => ['ALIBABA_ACCESS_KEY_ID', `LTAI${s(r, ALNUM, 20)}`],
    (r) => ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', s(r, ALNUM, 30)],
  ],
  anthropic: [
    (r) => ['ANTHROPIC_API_KEY', `sk-ant-api03-${s(r, B64URL, 93)}AA`],
    (r) => ['ANTHROPIC_ADMIN_KEY', `sk-ant-admin01-${s(r, B64URL, 93)}AA`],
  ],
  asana: [(r) => ['ASANA_CLIENT_SECRET', s(r, LALNUM, 32)]],
  atlassian: [
    (r) => ['JIRA_API_TOKEN', `ATATT3xFfGF0${s(r, B64URL, 180)}`],
    (r) => ['CONFLUENCE_TOKEN', s(r, LALNUM, 24)],
  ],
  authress: [
    (r) => [
      'AUTHRESS_KEY',
      `sc_${s(r, LALNUM, 12)}.${s(r, LALNUM, 5)}.acc_${s(r, LALNUM, 16)}.${s(r, B64, 60)}`,
    ],
  ],
  aws: [
    (r) => ['AWS_ACCESS_KEY_ID', `AKIA${s(r, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`],
    (r) => ['AWS_BEARER_TOKEN_BEDROCK', `ABSK${s(r, B64, 130)}`],
  ],
  azure: [(r) => ['AZURE_CLIENT_SECRET', `${s(r, ALNUM, 3)}${r.int(0, 9)}Q~${s(r, ALNUM + '_~.-', 34)}`]],
  beamer: [(r) => ['BEAMER_API_KEY', `b_${s(r, B64URL, 44)}`]],
  bitbucket: [(r) => ['BITBUCKET_CLIENT_SECRET', s(r, ALNUM, 64)]],
  bittrex: [(r) => ['BITTREX_API_SECRET', s(r, LHEX, 32)]],
  brevo: [(r) => ['SENDINBLUE_API_KEY', `xkeysib-${s(r, LHEX, 64)}-${s(r, ALNUM, 16)}`]],
  'cisco-meraki': [(r) => ['MERAKI_DASHBOARD_API_KEY', s(r, LHEX, 40)]],
  clickhouse: [(r) => ['CLICKHOUSE_KEY_SECRET', `4b1d${s(r, ALNUM, 38)}`]],
  clojars: [(r) => ['CLOJARS_PASSWORD', `CLOJARS_${s(r, LALNUM, 60)}`]],
  cloudflare: [
    (r) => ['CLOUDFLARE_API_TOKEN', s(r, B64URL, 40)],
    (r) => ['CF_ORIGIN_CA_KEY', `v1.0-${s(r, LHEX, 24)}-${s(r, LHEX, 146)}`],
  ],
  codecov: [(r) => ['CODECOV_TOKEN', uuid(r)]],
  cohere: [(r) => ['COHERE_API_KEY', s(r, ALNUM, 40)]],
  coinbase: [(r) => ['COINBASE_API_SECRET', s(r, B64URL, 64)]],
  confluent: [(r) => ['CONFLUENT_CLOUD_API_SECRET', s(r, ALNUM, 64)]],
  contentful: [
    (r) => ['CONTENTFUL_DELIVERY_TOKEN', s(r, B64URL, 43)],
    (r) => ['CONTENTFUL_MANAGEMENT_TOKEN', `CFPAT-${s(r, B64URL, 43)}`],
  ],
  databricks: [(r) => ['DATABRICKS_TOKEN', `dapi${s(r, LHEX, 32)}`]],
  datadog: [(r) => ['DD_API_KEY', s(r, LHEX, 32)], (r) => ['DATADOG_APP_KEY', s(r, LHEX, 40)]],
  'defined-networking': [
    (r) => ['DN_API_KEY', `dnkey-${s(r, UPPER + DIGITS, 26)}-${s(r, UPPER + DIGITS, 52)}`],
  ],
  digitalocean: [
    (r) => ['DIGITALOCEAN_TOKEN', `dop_v1_${s(r, LHEX, 64)}`],
    (r) => ['DO_OAUTH_TOKEN', `doo_v1_${s(r, LHEX, 64)}`],
  ],
  discord: [(r) => ['DISCORD_CLIENT_SECRET', s(r, B64URL, 32)]],
  doppler: [
    (r) => ['DOPPLER_TOKEN', `dp.st.${s(r, ALNUM, 43)}`],
    (r) => ['DOPPLER_PERSONAL_TOKEN', `dp.pt.${s(r, ALNUM, 43)}`],
  ],
  droneci: [(r) => ['DRONE_TOKEN', s(r, ALNUM, 32)]],
  dropbox: [(r) => ['DROPBOX_ACCESS_TOKEN', `sl.${s(r, B64URL, 138)}`]],
  duffel: [(r) => ['DUFFEL_ACCESS_TOKEN', `duffel_live_${s(r, B64URL, 43)}`]],
  dynatrace: [(r) => ['DT_API_TOKEN', `dt0c01.${s(r, UPPER + DIGITS, 24)}.${s(r, UPPER + DIGITS, 64)}`]],
  easypost: [(r) => ['EASYPOST_API_KEY', `EZAK${s(r, ALNUM, 54)}`]],
  etsy: [(r) => ['ETSY_API_KEY', s(r, LALNUM, 24)]],
  facebook: [
    (r) => ['FACEBOOK_APP_SECRET', s(r, LHEX, 32)],
    (r) => ['FB_PAGE_TOKEN', `EAAC${s(r, ALNUM, 180)}`],
  ],
  fastly: [(r) => ['FASTLY_API_TOKEN', s(r, B64URL, 32)]],
  finicity: [(r) => ['FINICITY_APP_KEY', s(r, LHEX, 32)]],
  finnhub: [(r) => ['FINNHUB_API_KEY', s(r, LALNUM, 20)]],
  flickr: [(r) => ['FLICKR_API_KEY', s(r, LHEX, 32)]],
  freemius: [(r) => ['raw', `'secret_key' => 'sk_${s(r, B64URL, 29)}',`]],
  flutterwave: [(r) => ['FLW_SECRET_KEY', `FLWSECK_TEST-${s(r, 'abcdefgh0123456789', 32)}-X`]],
  fly: [(r) => ['FLY_API_TOKEN', `FlyV1 fm2_${s(r, B64, 140)}`]],
  frameio: [(r) => ['FRAMEIO_TOKEN', `fio-u-${s(r, B64URL, 64)}`]],
  freshbooks: [(r) => ['FRESHBOOKS_ACCESS_TOKEN', s(r, LHEX, 64)]],
  gcp: [(r) => ['GOOGLE_API_KEY', `AIza${s(r, B64URL, 35)}`]],
  github: [
    (r) => ['GITHUB_TOKEN', `ghp_${s(r, ALNUM, 36)}`],
    (r) => ['GH_PAT', `github_pat_${s(r, ALNUM, 22)}_${s(r, ALNUM, 59)}`],
  ],
  gitlab: [
    (r) => ['GITLAB_TOKEN', `glpat-${s(r, B64URL, 20)}`],
    (r) => ['GITLAB_FEED_TOKEN', `glft-${s(r, B64URL, 20)}`],
    (r) => ['GITLAB_AGENT_TOKEN', `glagent-${s(r, B64URL, 50)}`],
  ],
  gitter: [(r) => ['GITTER_TOKEN', s(r, LHEX, 40)]],
  gocardless: [(r) => ['GOCARDLESS_ACCESS_TOKEN', `live_${s(r, B64URL, 40)}`]],
  grafana: [
    (r) => ['GRAFANA_SERVICE_ACCOUNT_TOKEN', `glsa_${s(r, ALNUM, 32)}_${s(r, LHEX, 8)}`],
    (r) => ['GRAFANA_CLOUD_TOKEN', `glc_${s(r, B64, 80)}`],
  ],
  harness: [(r) => ['HARNESS_API_KEY', `pat.${s(r, B64URL, 22)}.${s(r, ALNUM, 24)}.${s(r, ALNUM, 20)}`]],
  hashicorp: [
    (r) => ['TFE_TOKEN', `${s(r, ALNUM, 14)}.atlasv1.${s(r, B64URL, 67)}`],
    (r) => ['VAULT_TOKEN', `hvs.${s(r, B64URL, 95)}`],
  ],
  heroku: [(r) => ['HEROKU_API_KEY', uuid(r)], (r) => ['HEROKU_API_KEY', `HRKU-AA${s(r, B64URL, 58)}`]],
  hubspot: [(r) => ['HUBSPOT_ACCESS_TOKEN', `pat-na1-${uuid(r)}`], (r) => ['HUBSPOT_API_KEY', uuid(r)]],
  huggingface: [(r) => ['HF_TOKEN', `hf_${s(r, UPPER + LOWER, 34)}`]],
  infracost: [(r) => ['INFRACOST_API_KEY', `ico-${s(r, ALNUM, 32)}`]],
  intercom: [(r) => ['INTERCOM_ACCESS_TOKEN', `${s(r, B64URL, 58)}==`]],
  intra42: [(r) => ['FT_SECRET', `s-s4t2ud-${s(r, LHEX, 64)}`]],
  jfrog: [
    (r) => ['ARTIFACTORY_API_KEY', `AKCp${s(r, ALNUM, 69)}`],
    (r) => ['JFROG_ACCESS_TOKEN', s(r, LALNUM, 64)],
  ],
  kraken: [(r) => ['KRAKEN_PRIVATE_KEY', `${s(r, B64, 86)}==`]],
  kubernetes: [(r) => ['raw', `kind: Secret\ndata:\n  password: ${s(r, B64, 24)}`]],
  kucoin: [(r) => ['KUCOIN_API_SECRET', uuid(r)]],
  launchdarkly: [(r) => ['LAUNCHDARKLY_SDK_KEY', `sdk-${uuid(r)}`]],
  linear: [(r) => ['LINEAR_API_KEY', `lin_api_${s(r, ALNUM, 40)}`]],
  linkedin: [(r) => ['LINKEDIN_CLIENT_SECRET', s(r, ALNUM, 16)]],
  linode: [(r) => ['LINODE_TOKEN', s(r, LHEX, 64)]],
  lob: [(r) => ['LOB_API_KEY', `live_${s(r, LHEX, 35)}`]],
  looker: [(r) => ['LOOKER_CLIENT_SECRET', s(r, ALNUM, 24)]],
  mailchimp: [(r) => ['MAILCHIMP_API_KEY', `${s(r, LHEX, 32)}-us${r.int(1, 21)}`]],
  mailgun: [
    (r) => ['MAILGUN_API_KEY', `key-${s(r, LHEX, 32)}`],
    (r) => ['MAILGUN_WEBHOOK_SIGNING_KEY', `${s(r, LHEX, 32)}-${s(r, LHEX, 8)}-${s(r, LHEX, 8)}`],
  ],
  mapbox: [(r) => ['MAPBOX_ACCESS_TOKEN', `pk.${b64json(r, 57)}.${s(r, B64URL, 22)}`]],
  mattermost: [(r) => ['MATTERMOST_TOKEN', s(r, LALNUM, 26)]],
  maxmind: [(r) => ['MAXMIND_LICENSE_KEY', `${s(r, ALNUM, 6)}_${s(r, ALNUM, 29)}_mmk`]],
  messagebird: [(r) => ['MESSAGEBIRD_API_KEY', s(r, ALNUM, 25)]],
  'microsoft-teams': [
    (r) => [
      'TEAMS_WEBHOOK_URL',
      `https://contoso.webhook.office.com/webhookb2/${uuid(r)}@${uuid(r)}/IncomingWebhook/${s(r, LHEX, 32)}/${uuid(r)}`,
    ],
  ],
  netlify: [
    (r) => ['NETLIFY_AUTH_TOKEN', `nfp_${s(r, ALNUM, 36)}`],
    (r) => ['NETLIFY_AUTH_TOKEN', s(r, B64URL, 43)],
  ],
  'new-relic': [
    (r) => ['NEW_RELIC_API_KEY', `NRAK-${s(r, UPPER + DIGITS, 27)}`],
    (r) => ['NEW_RELIC_LICENSE_KEY', `${s(r, LHEX, 36)}NRAL`],
  ],
  notion: [(r) => ['NOTION_TOKEN', `ntn_${s(r, DIGITS, 11)}${s(r, ALNUM, 35)}`]],
  npm: [(r) => ['NPM_TOKEN', `npm_${s(r, ALNUM, 36)}`]],
  nuget: [(r) => ['raw', `<add key="ClearTextPassword" value="${s(r, ALNUM, 16)}" />`]],
  nytimes: [(r) => ['NYTIMES_API_KEY', s(r, ALNUM, 32)]],
  'octopus-deploy': [(r) => ['OCTOPUS_API_KEY', `API-${s(r, UPPER + DIGITS, 26)}`]],
  okta: [(r) => ['OKTA_API_TOKEN', `00${s(r, B64URL, 40)}`]],
  openai: [(r) => ['OPENAI_API_KEY', `sk-proj-${s(r, B64URL, 74)}T3BlbkFJ${s(r, B64URL, 74)}`]],
  openshift: [(r) => ['OPENSHIFT_TOKEN', `sha256~${s(r, B64URL, 43)}`]],
  perplexity: [(r) => ['PERPLEXITY_API_KEY', `pplx-${s(r, ALNUM, 48)}`]],
  plaid: [
    (r) => ['PLAID_SECRET', s(r, LALNUM, 30)],
    (r) => ['PLAID_ACCESS_TOKEN', `access-production-${uuid(r)}`],
  ],
  planetscale: [
    (r) => ['PLANETSCALE_SERVICE_TOKEN', `pscale_tkn_${s(r, B64URL, 43)}`],
    (r) => ['DATABASE_PASSWORD', `pscale_pw_${s(r, B64URL, 43)}`],
  ],
  postman: [(r) => ['POSTMAN_API_KEY', `PMAK-${s(r, LHEX, 24)}-${s(r, LHEX, 34)}`]],
  prefect: [(r) => ['PREFECT_API_KEY', `pnu_${s(r, ALNUM, 36)}`]],
  privateai: [(r) => ['PRIVATEAI_API_KEY', s(r, LHEX, 32)]],
  pulumi: [(r) => ['PULUMI_ACCESS_TOKEN', `pul-${s(r, LHEX, 40)}`]],
  pypi: [(r) => ['PYPI_TOKEN', `pypi-AgEIcHlwaS5vcmc${s(r, B64URL, 70)}`]],
  rapidapi: [(r) => ['RAPIDAPI_KEY', s(r, B64URL, 50)]],
  readme: [(r) => ['README_API_KEY', `rdme_${s(r, LALNUM, 70)}`]],
  rubygems: [(r) => ['GEM_HOST_API_KEY', `rubygems_${s(r, LHEX, 48)}`]],
  scalingo: [(r) => ['SCALINGO_API_TOKEN', `tk-us-${s(r, B64URL, 48)}`]],
  sendbird: [(r) => ['SENDBIRD_API_TOKEN', s(r, LHEX, 40)]],
  sendgrid: [(r) => ['SENDGRID_API_KEY', `SG.${s(r, B64URL, 22)}.${s(r, B64URL, 43)}`]],
  sentry: [
    (r) => ['SENTRY_AUTH_TOKEN', `sntryu_${s(r, LHEX, 64)}`],
    (r) => ['SENTRY_AUTH_TOKEN', s(r, LHEX, 64)],
  ],
  settlemint: [(r) => ['SETTLEMINT_ACCESS_TOKEN', `sm_pat_${s(r, ALNUM, 16)}`]],
  shippo: [(r) => ['SHIPPO_API_TOKEN', `shippo_live_${s(r, LHEX, 40)}`]],
  shopify: [(r) => ['SHOPIFY_ACCESS_TOKEN', `shpat_${s(r, LHEX, 32)}`]],
  sidekiq: [(r) => ['BUNDLE_GEMS__CONTRIBSYS__COM', `${s(r, LHEX, 8)}:${s(r, LHEX, 8)}`]],
  slack: [
    (r) => ['SLACK_BOT_TOKEN', `xoxb-${s(r, DIGITS, 12)}-${s(r, DIGITS, 13)}-${s(r, ALNUM, 24)}`],
    (r) => [
      'SLACK_WEBHOOK_URL',
      `https://hooks.slack.com/services/T${s(r, UPPER + DIGITS, 8)}/B${s(r, UPPER + DIGITS, 10)}/${s(r, ALNUM, 24)}`,
    ],
  ],
  snyk: [(r) => ['SNYK_TOKEN', uuid(r)]],
  sonar: [(r) => ['SONAR_TOKEN', `squ_${s(r, LHEX, 40)}`]],
  sourcegraph: [(r) => ['SRC_ACCESS_TOKEN', `sgp_${s(r, LHEX, 16)}_${s(r, LHEX, 40)}`]],
  square: [(r) => ['SQUARE_ACCESS_TOKEN', `EAAA${s(r, B64URL, 60)}`]],
  squarespace: [(r) => ['SQUARESPACE_API_KEY', uuid(r)]],
  stripe: [
    (r) => ['STRIPE_SECRET_KEY', `sk_live_${s(r, ALNUM, 99)}`],
    (r) => ['STRIPE_RESTRICTED_KEY', `rk_live_${s(r, ALNUM, 99)}`],
  ],
  sumologic: [(r) => ['SUMO_ACCESS_KEY', s(r, ALNUM, 64)]],
  supabase: [
    (r) => ['SUPABASE_ACCESS_TOKEN', `sbp_${s(r, LHEX, 40)}`],
    (r) => ['SUPABASE_SECRET_KEY', `sb_secret_${s(r, B64URL, 32)}`],
  ],
  telegram: [(r) => ['TELEGRAM_BOT_TOKEN', `${r.int(100000000, 999999999)}:AA${s(r, B64URL, 33)}`]],
  travisci: [(r) => ['TRAVIS_TOKEN', s(r, ALNUM, 22)]],
  twilio: [(r) => ['TWILIO_API_KEY', `SK${s(r, LHEX, 32)}`]],
  twitch: [(r) => ['TWITCH_CLIENT_SECRET', s(r, LALNUM, 30)]],
  twitter: [
    (r) => ['TWITTER_BEARER_TOKEN', `${'A'.repeat(22)}${s(r, ALNUM, 90)}`],
    (r) => ['TWITTER_API_SECRET', s(r, ALNUM, 50)],
  ],
  typeform: [(r) => ['TYPEFORM_TOKEN', `tfp_${s(r, B64URL, 59)}`]],
  vercel: [(r) => ['VERCEL_TOKEN', s(r, ALNUM, 24)], (r) => ['VERCEL_TOKEN', `vcp_${s(r, ALNUM, 56)}`]],
  yandex: [
    (r) => ['YANDEX_API_KEY', `AQVN${s(r, B64URL, 36)}`],
    (r) => ['YC_IAM_TOKEN', `t1.${s(r, B64URL, 40)}.${s(r, B64URL, 86)}`],
  ],
  zendesk: [(r) => ['ZENDESK_API_TOKEN', s(r, ALNUM, 40)]],
  // Not a provider in name only: these live in gitleaks' list as format families of their own.
  'private-key': [
    (r) => [
      'raw',
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${s(r, B64, 70)}\n-----END OPENSSH PRIVATE KEY-----`,
    ],
  ],
  jwt: [(r) => ['SESSION_TOKEN', `eyJhbGciOiJIUzI1NiJ9.${b64json(r, 60)}.${s(r, B64URL, 43)}`]],
  curl: [
    (r) => ['raw', `curl -H "Authorization: Bearer ${s(r, ALNUM, 40)}" https://api.example.net/v1/items`],
  ],
};
