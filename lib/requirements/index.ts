export { attachRequirements } from './attach';
export { explicitId, parseRequirements, slugify, type Requirement, type RequirementKind } from './parse';
export { vagueWords } from './vague';
