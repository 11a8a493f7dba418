export {
  createStubGateway,
  type RecordedGatewayRequest,
  type StubGateway,
  type StubGatewayOptions,
} from './stub-gateway.js';
