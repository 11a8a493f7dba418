export {
  createFakeAgentCliAdapter,
  type FakeAgentCliAdapter,
  fakeAgentLine,
} from './fake-agent-cli-adapter.js';
export {
  createFakeMemoryRecall,
  createFakeOpenRunFinder,
  createFakeOrchestratorPorts,
  createMemoryChatLog,
  createMemoryJournal,
  createRecordingLogger,
  createRecordingPublisher,
  type FakeMemoryRecall,
  type FakeOpenRunFinder,
  type FakeOrchestratorPorts,
  type MemoryChatLog,
  type MemoryJournal,
  type RecordingLogger,
  type RecordingPublisher,
  TEST_WORKSPACE_ID,
  testAgent,
  testCrew,
} from './fake-ports.js';
export {
  createFakeSandboxProvider,
  type FakeExec,
  type FakeSandboxProvider,
  type PrepareCall,
} from './fake-sandbox-provider.js';
