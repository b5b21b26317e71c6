import { throwCollectedDrift } from './wire-contract';

// Runs after each e2e spec file's describe blocks have closed their gateways and simulators.
afterAll(() => throwCollectedDrift());
