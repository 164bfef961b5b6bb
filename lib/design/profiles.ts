import type { DesignLayer } from './layers';
import { EAA, SERIF, charts, profile, seed } from './profile';

export const profiles: DesignLayer[] = [
  profile({
    meta: {
      id: 'healthcare',
      title: 'Healthcare',
      summary:
        'Patients and clinicians, often older, tired or on a small screen: calm, plain and high contrast.',
      law: {
        name: 'HHS Section 504 rule (45 CFR part 84, 2024)',
        requires:
          'WCAG 2.1 AA for web content and apps of US recipients of HHS funding; this profile asks AAA text contrast',
      },
      settings: {
        contrast: 'AAA',
        density: 'comfortable',
        colorAlone: 'never',
        tone: 'calm, reassuring, plain language',
      },
      guidance: {
        do: [
          'Write status as words with an icon (Normal, Needs review), not a coloured dot.',
          'Warn before any session timeout and let the user extend it.',
        ],
        dont: [
          'Do not encode results or vital signs by red/green alone.',
          'Do not set body text below font.size.base.',
        ],
      },
    },
    palette: {
      primary: seed(0.5, 0.1, 215),
      accent: seed(0.6, 0.08, 190),
      neutral: { h: 215, c: 0.01 },
      chart: charts([215, 160, 75, 300, 25]),
    },
    type: { base: 17, ratio: 1.2 },
    target: 44,
    radius: 10,
  }),
  profile({
    meta: {
      id: 'fintech',
      title: 'Fintech',
      summary:
        'Money on screen: precise, sober, trustworthy; numbers line up and never rely on colour alone.',
      law: EAA,
      settings: {
        contrast: 'AA',
        density: 'comfortable',
        colorAlone: 'never',
        tone: 'precise, sober, trustworthy',
      },
      guidance: {
        do: [
          'Show gains and losses with a sign and an arrow (+2.4 % ▲, −1.1 % ▼) as well as colour.',
          'Set amounts in tabular figures (tabular-nums), right-aligned.',
        ],
        dont: [
          'Never encode gain/loss, up/down or paid/overdue by colour alone.',
          'Do not animate balances.',
        ],
      },
    },
    palette: {
      primary: seed(0.45, 0.12, 255),
      accent: seed(0.6, 0.06, 255),
      neutral: { h: 250, c: 0.012 },
      chart: charts([255, 150, 40, 300, 200]),
    },
    type: { base: 15, ratio: 1.2 },
    target: 24,
    radius: 6,
  }),
  profile({
    meta: {
      id: 'saas',
      title: 'SaaS',
      summary: 'Business software people use all day: friendly, modern, quick to scan.',
      law: {
        name: 'Section 508 / VPAT procurement',
        requires: 'WCAG 2.1 AA, which buyers ask for in an Accessibility Conformance Report',
      },
      settings: {
        contrast: 'AA',
        density: 'comfortable',
        colorAlone: 'allowed',
        tone: 'friendly, modern, confident',
      },
      guidance: {
        do: [
          'One primary button per view; secondary actions use bg-secondary or an outline.',
          'Empty states explain the next step.',
        ],
        dont: ['Do not hide primary navigation behind icons without labels.'],
      },
    },
    palette: {
      primary: seed(0.52, 0.18, 285),
      accent: seed(0.6, 0.1, 285),
      neutral: { h: 285, c: 0.01 },
      chart: charts([285, 200, 150, 60, 340]),
    },
    type: { base: 16, ratio: 1.2 },
    target: 24,
    radius: 8,
  }),
  profile({
    meta: {
      id: 'ecommerce',
      title: 'E-commerce',
      summary:
        'Shoppers on phones: product first, energetic accents, large targets, a clear path to checkout.',
      law: EAA,
      settings: { contrast: 'AA', density: 'comfortable', colorAlone: 'never', tone: 'energetic, welcoming' },
      guidance: {
        do: [
          'Make "Add to cart" the only bg-primary button near a product.',
          'Show price, stock and delivery in text, not only badges.',
        ],
        dont: [
          'Do not mark sale prices by colour alone: add "Sale" or the struck-through old price.',
          'Do not use countdown pressure that the user cannot pause.',
        ],
      },
    },
    palette: {
      primary: seed(0.58, 0.17, 40),
      accent: seed(0.65, 0.12, 60),
      neutral: { h: 40, c: 0.008 },
      chart: charts([40, 250, 150, 320, 90]),
    },
    type: { base: 16, ratio: 1.25 },
    target: 44,
    radius: 12,
  }),
  profile({
    meta: {
      id: 'education',
      title: 'Education',
      summary:
        'Learners and teachers: clear, encouraging, readable; progress is visible and never only coloured.',
      law: {
        name: 'ADA Title II rule (28 CFR part 35, 2024)',
        requires: 'WCAG 2.1 AA for public schools, colleges and universities (state and local government)',
      },
      settings: { contrast: 'AA', density: 'spacious', colorAlone: 'never', tone: 'encouraging, clear' },
      guidance: {
        do: [
          'Show progress as a number and a bar ("3 of 5 lessons").',
          'Keep one task per screen in exercises.',
        ],
        dont: ['Do not mark right/wrong answers by green/red alone: add a check or cross and words.'],
      },
    },
    palette: {
      primary: seed(0.5, 0.13, 155),
      accent: seed(0.65, 0.1, 95),
      neutral: { h: 155, c: 0.01 },
      chart: charts([155, 255, 60, 320, 20]),
    },
    type: { base: 17, ratio: 1.25 },
    target: 44,
    radius: 12,
  }),
  profile({
    meta: {
      id: 'real-estate',
      title: 'Real Estate',
      summary: 'Listings, photos and maps: warm, premium, image-led with quiet chrome.',
      law: {
        name: 'ADA Title III and the Fair Housing Act',
        requires: 'courts and settlements apply WCAG 2.1 AA to listing sites',
      },
      settings: {
        contrast: 'AA',
        density: 'comfortable',
        colorAlone: 'allowed',
        tone: 'warm, premium, calm',
      },
      guidance: {
        do: [
          'Let photos carry colour; chrome stays neutral.',
          'Give every photo alt text that says what the room shows.',
        ],
        dont: ['Do not put text over photos without a solid bg-card panel behind it.'],
      },
    },
    palette: {
      primary: seed(0.42, 0.08, 170),
      accent: seed(0.7, 0.07, 75),
      neutral: { h: 75, c: 0.01 },
      chart: charts([170, 75, 250, 20, 320]),
    },
    type: { base: 16, ratio: 1.25, heading: SERIF },
    target: 24,
    radius: 6,
  }),
  profile({
    meta: {
      id: 'media',
      title: 'Media',
      summary: 'Reading and watching: editorial, expressive type, dark by default.',
      law: EAA,
      settings: {
        contrast: 'AA',
        density: 'spacious',
        colorAlone: 'allowed',
        defaultMode: 'dark',
        tone: 'expressive, editorial',
      },
      guidance: {
        do: [
          'Start in dark mode (class="dark" on <html>) and offer a light switch.',
          'Set long text at font.size.lg with a 65-character measure.',
        ],
        dont: ['Do not autoplay sound; captions on by default for video.'],
      },
    },
    palette: {
      primary: seed(0.55, 0.2, 20),
      accent: seed(0.65, 0.12, 45),
      neutral: { h: 20, c: 0.006 },
      chart: charts([20, 220, 90, 300, 160]),
    },
    type: { base: 18, ratio: 1.333, heading: SERIF },
    target: 24,
    radius: 4,
  }),
  profile({
    meta: {
      id: 'enterprise',
      title: 'Enterprise',
      summary: 'Internal tools for experts: neutral, dense, efficient, keyboard first.',
      law: {
        name: 'Revised Section 508 standards (36 CFR 1194)',
        requires: 'WCAG 2.0 AA for US federal procurement; this profile meets 2.2 AA',
      },
      settings: { contrast: 'AA', density: 'compact', colorAlone: 'allowed', tone: 'neutral, efficient' },
      guidance: {
        do: [
          'Every action reachable by keyboard, with a visible focus ring.',
          'Tables get sticky headers and sortable columns.',
        ],
        dont: ['Do not use colour as decoration: colour means state.'],
      },
    },
    palette: {
      primary: seed(0.45, 0.1, 240),
      accent: seed(0.6, 0.05, 240),
      neutral: { h: 240, c: 0.008 },
      chart: charts([240, 180, 60, 0, 290]),
    },
    type: { base: 14, ratio: 1.2 },
    target: 24,
    radius: 4,
  }),
];
