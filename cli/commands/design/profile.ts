import { BrCommand, Category } from '../../base';
import { DesignLayerCommand } from './layer-command';

export class DesignProfileCommand extends DesignLayerCommand {
  protected readonly kind = 'profile';
  static override paths = [['design', 'profile']];
  static override usage = BrCommand.Usage({
    category: Category.design,
    description:
      'List the industry profiles, or show one: its accessibility baseline, tone, density and tokens',
    details: `
      A profile is a DTCG token document for an industry: the accessibility level it needs and the law
      behind it, tone, density, type scale and palette intent. \`--json\` prints the document.
    `,
    examples: [
      ['List the profiles', '$0 design profile list'],
      ['What healthcare asks for', '$0 design profile show healthcare'],
      ['The fintech DTCG document', '$0 design profile show fintech --json'],
    ],
  });
}
