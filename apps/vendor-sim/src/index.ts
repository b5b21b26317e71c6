export { DEFAULT_SIM_CREDENTIALS, VENDOR_NAMES, startVendorSim } from './sim';
export type { RunningSim, SimCredentials, SimOptions, VendorName } from './sim';
export { DIDI_SNAPSHOTS } from './catalogs/didi';
export type { DidiSnapshot } from './catalogs/didi';
