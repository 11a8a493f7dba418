import {
  AGENT_TOOLS,
  type AgentToolName,
  type AgentToolsInstaller,
  agentToolSchema,
  isCrewshipError,
} from '@crewship/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface AgentToolsContractSubject {
  installer: AgentToolsInstaller;
  /** The version each tool is pinned to in this subject. */
  versions: Record<AgentToolName, string>;
  cleanup?(): Promise<void>;
}

/** The behaviour every `AgentToolsInstaller` must have; each test gets a fresh, empty subject. */
export function describeAgentToolsInstallerContract(
  name: string,
  subject: () => Promise<AgentToolsContractSubject>,
) {
  describe(`AgentToolsInstaller contract: ${name}`, () => {
    let installer: AgentToolsInstaller;
    let versions: Record<AgentToolName, string>;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ installer, versions, cleanup } = await subject());
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it('lists every known tool with its pinned version, none installed yet', async () => {
      const tools = await installer.list();
      expect(tools.map((tool) => tool.name)).toEqual([...AGENT_TOOLS]);
      for (const tool of tools) {
        expect(agentToolSchema.parse(tool)).toEqual(tool);
        expect(tool).toMatchObject({ version: versions[tool.name], installed: false, installed_at: null });
      }
      expect(tools.map((tool) => tool.binary)).toEqual(['claude', 'codex', 'gemini', 'opencode']);
      expect(installer.toolsDir).toEqual(expect.any(String));
    });

    it('installs tools, reports progress and lists them as installed', async () => {
      const lines: string[] = [];
      const installed = await installer.install(['codex', 'gemini'], (line) => lines.push(line));
      expect(installed.map((tool) => [tool.name, tool.installed])).toEqual([
        ['codex', true],
        ['gemini', true],
      ]);
      expect(installed[0]?.installed_at).toEqual(expect.any(String));
      expect(lines).toContain(`installing codex (@openai/codex@${versions.codex}) from npm…`);
      expect(
        lines.some((line) => new RegExp(`^installed gemini ${versions.gemini} in \\d+\\.\\d s$`).test(line)),
      ).toBe(true);
      const listed = await installer.list();
      expect(listed.filter((tool) => tool.installed).map((tool) => tool.name)).toEqual(['codex', 'gemini']);
    });

    it('skips what is already installed at the pinned version', async () => {
      const [first] = await installer.install(['codex']);
      const lines: string[] = [];
      const [again] = await installer.install(['codex', 'codex'], (line) => lines.push(line));
      expect(again).toEqual(first);
      expect(lines.some((line) => line.startsWith('installing'))).toBe(false);
    });

    it('ensureInstalled installs only what is missing and is a no-op afterwards', async () => {
      await installer.install(['codex']);
      const lines: string[] = [];
      await installer.ensureInstalled(['codex', 'opencode'], (line) => lines.push(line));
      expect(lines.filter((line) => line.startsWith('installing'))).toEqual([
        `installing opencode (opencode-ai@${versions.opencode}) from npm…`,
      ]);
      const quiet: string[] = [];
      await installer.ensureInstalled(['codex', 'opencode'], (line) => quiet.push(line));
      expect(quiet).toEqual([]);
    });

    it('rejects an unknown tool as invalid input', async () => {
      const error = await installer.install(['cursor' as AgentToolName]).catch((caught: unknown) => caught);
      expect(isCrewshipError(error) && error.kind).toBe('invalid_input');
    });
  });
}
