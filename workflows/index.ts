export * from './build';
export * from './task';
export * from './metrics';
export * from './retention';
