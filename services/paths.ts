/** Where the installed package lives, for front ends (they reach activities/ through services/ only). */
export { migrationsDir, packageRoot, packageVersion } from '../activities/paths';
