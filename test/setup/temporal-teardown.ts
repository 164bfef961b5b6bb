import { teardown } from './temporal-global';

export default teardown;
