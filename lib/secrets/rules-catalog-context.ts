import { shannonEntropy } from './allow';
import type { SecretRule } from './types';

/** Secrets recognised by where they stand rather than by their format: a curl header, a NuGet config. */
export const CONTEXT_RULES: SecretRule[] = [
  {
    id: 'curl-auth-header',
    description: 'Credential in a curl Authorization header (curl)',
    keywords: ['curl'],
    pattern:
      /\bcurl\b[^\n]{0,300}?(?:-H|--header)[ =]?["']Authorization:[ \t]{0,5}(?:Bearer|Token|Basic|Api-Token)[ \t]+(?<s>[A-Za-z0-9._~+/=-]{12,500})["']/dgi,
    validate: (s) => shannonEntropy(s) >= 3,
  },
  {
    id: 'curl-auth-user',
    description: 'Password in a curl --user argument (curl)',
    keywords: ['curl'],
    pattern: /\bcurl\b[^\n]{0,300}?(?:-u|--user)[ =]["']?[^\s:"']{2,64}:(?<s>[^\s"'@]{6,128})/dg,
    validate: (s) => !/^\$/.test(s) && shannonEntropy(s) >= 2.5,
  },
  {
    id: 'nuget-config-password',
    description: 'Password in a NuGet.config packageSourceCredentials entry (nuget)',
    keywords: ['password'],
    caseInsensitiveKeywords: true,
    pattern: /<add\s+key="(?:ClearText)?Password"\s+value="(?<s>[^"]{8,200})"/dgi,
    validate: (s) => !/^%.*%$/.test(s),
  },
  {
    id: 'freemius-secret-key',
    description: 'Freemius SDK secret key in PHP configuration (freemius)',
    keywords: ['secret_key'],
    pattern: /["']secret_key["']\s{0,5}=>\s{0,5}["'](?<s>sk_[^\s"']{29})["']/dg,
  },
];
