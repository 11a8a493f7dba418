export {
  type ContractSubject,
  collect,
  describeContainerRuntimeContract,
} from './container-runtime-contract.js';
export { createFakeContainerRuntime } from './fake-container-runtime.js';
