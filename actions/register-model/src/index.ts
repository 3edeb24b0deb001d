import { runAction } from '@envoy/action-kit';
import { main } from './main.js';

await runAction(() => main(import.meta.url));
