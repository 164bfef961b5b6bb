// Entry for running the CLI from the TypeScript sources (bin/br.js, via tsx).
import { main } from './main';

main(process.argv.slice(2));
