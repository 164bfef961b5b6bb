/** The features file for front ends (the CLI and MCP server reach activities/ through services/ only). */
export {
  addFeature,
  featureIdFromTitle,
  FeaturesFileError,
  featuresPath,
  generateStatusFile,
  readFeatures,
  removeFeature,
  setFeatureStatus,
  writeFeatures,
  type AddFeatureInput,
} from '../activities/features/store';
