import { BrCommand, Category } from '../../base';
import { DesignLayerCommand } from './layer-command';

export class DesignPatternCommand extends DesignLayerCommand {
  protected readonly kind = 'pattern';
  static override paths = [['design', 'pattern']];
  static override usage = BrCommand.Usage({
    category: Category.design,
    description:
      'List the use-case patterns, or show one: layout, navigation, density, data display, components',
    details: `
      A pattern is a DTCG token document for a kind of product screen (dashboard, CRM, onboarding, ...).
      \`--json\` prints the document.
    `,
    examples: [
      ['List the patterns', '$0 design pattern list'],
      ['What a dashboard needs', '$0 design pattern show dashboard'],
    ],
  });
}
