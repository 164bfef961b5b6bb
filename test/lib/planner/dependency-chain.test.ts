import { validatePlan } from '../../../lib/plan';
import { planFromMarkdown } from '../../../lib/planner/heuristic';

/**
 * A "Logical Dependency Chain" section (Task Master's PRD template) is the spec's word on order: the
 * plan has exactly the edges it states, in any of the ways people write them, and no serialisation
 * of the numbered roadmap above it.
 */
const roadmap = (chain: string[]) =>
  [
    '# Shop',
    '## Roadmap',
    '1. Product catalogue in `src/catalogue.ts`',
    '2. Customer accounts in `src/accounts.ts`',
    '3. Shopping cart in `src/cart.ts`',
    '4. Checkout with card payments in `src/checkout.ts`',
    '5. Order history page in `src/orders.tsx`',
    '',
    '## Logical Dependency Chain',
    ...chain,
  ].join('\n');
const deps = (markdown: string) => {
  const plan = planFromMarkdown(markdown);
  expect(validatePlan(plan)).toEqual([]);
  return Object.fromEntries(
    plan.tasks.map((t) => [t.id.replace('roadmap-', ''), t.dependsOn.map((d) => d.replace('roadmap-', ''))]),
  );
};

describe('a Logical Dependency Chain section', () => {
  it('without one, a numbered roadmap runs in order', () => {
    expect(deps(roadmap([]))).toEqual({ 1: [], 2: ['1'], 3: ['2'], 4: ['3'], 5: ['4'] });
  });

  it('reads "needs", "before", arrows and lists of names into exactly the stated edges', () => {
    const expected = { 1: [], 2: [], 3: ['1'], 4: ['3', '2'], 5: ['2'] };
    expect(
      deps(
        roadmap([
          '- The product catalogue and customer accounts come first; neither needs the other.',
          '- Shopping cart needs the product catalogue.',
          '- Checkout requires the shopping cart and customer accounts.',
          '- Order history page depends on customer accounts (it lists their orders).',
        ]),
      ),
    ).toEqual(expected);
    expect(
      deps(
        roadmap([
          'Product catalogue → Shopping cart → Checkout.',
          'Customer accounts before checkout.',
          'Customer accounts before order history.',
        ]),
      ),
    ).toEqual(expected);
    expect(
      deps(
        roadmap([
          '1. **Shopping cart** comes after **product catalogue**',
          '2. **Checkout** is blocked by shopping cart and customer accounts',
          '3. Customer accounts blocks order history page',
        ]),
      ),
    ).toEqual(expected);
  });

  it('a chain that names nothing it can find leaves the numbered order as it was', () => {
    expect(deps(roadmap(['Build the foundation first, then get something visible quickly.']))).toEqual({
      1: [],
      2: ['1'],
      3: ['2'],
      4: ['3'],
      5: ['4'],
    });
  });

  it('"Depends on" lines in the features still count beside the chain', () => {
    const markdown = [
      '# Shop',
      '## Feature 1: Catalogue',
      '- [ ] Product table',
      '## Feature 2: Accounts',
      '- [ ] Sign-up',
      '## Feature 3: Cart',
      'Depends on: Feature 2',
      '- [ ] Cart model',
      '## Dependency chain',
      '- Cart needs catalogue.',
    ].join('\n');
    expect(Object.fromEntries(planFromMarkdown(markdown).tasks.map((t) => [t.id, t.dependsOn]))).toEqual({
      'catalogue-1': [],
      'accounts-1': [],
      'cart-1': ['accounts-1', 'catalogue-1'],
    });
  });
});
