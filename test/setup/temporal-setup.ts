import { setup } from './temporal-global';

export default setup;
