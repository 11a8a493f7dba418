import { describeContainerRuntimeContract } from './container-runtime-contract.js';
import { createFakeContainerRuntime } from './fake-container-runtime.js';

describeContainerRuntimeContract('fake', async () => ({
  runtime: createFakeContainerRuntime(),
  image: 'any',
}));
