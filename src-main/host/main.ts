/** Entry point of `npm run host -- …` (see cli.ts). */
import { main } from './cli';

process.exitCode = await main(process.argv.slice(2));
