import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dockerTestsRun, request } from '../../server/test/harness.js';
import {
  APPROVAL_PHRASE,
  apiCall,
  type ConsoleStack,
  OWNER,
  requireApprovalForPhrase,
  STREAMED_ANSWER,
  startConsoleStack,
  TOOL_DONE_ANSWER,
  tokenFor,
} from './console-stack.js';

const here = dirname(fileURLToPath(import.meta.url));
const WEB_DIR = join(here, '..', 'dist');
const SHOTS = join(here, '..', 'artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const VIEWER = { email: 'viewer@example.com', password: 'viewer passphrase 123', name: 'Vera Viewer' };
/** Container names are global to the engine: a unique crew lets runs of this test overlap. */
const CREW = `web-${Math.random().toString(36).slice(2, 8)}`;
const CREDENTIAL_VALUE = 'sk-ant-api03-console-canary-7f3a9c2e1b';

const browserTests = process.env.CI === 'true' || (existsSync(CHROMIUM) && (await dockerTestsRun()));

/** Waits until the locator's first match is visible (Playwright's auto-waiting, without @playwright/test). */
const visible = (locator: Locator, timeout = 30_000) =>
  locator.first().waitFor({ state: 'visible', timeout });
const hidden = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: 30_000 });

const VIEWPORTS = {
  desktop: { width: 1280, height: 860 },
  phone: { width: 390, height: 844 },
} as const;

describe.skipIf(!browserTests)('the web console in Chromium against a real server and crew container', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let owner: BrowserContext;
  let page: Page;
  /** Console errors, page errors and failed requests of every page; each test ends expecting none. */
  const problems: string[] = [];
  let runId = '';

  function watch(target: Page, label: string): Page {
    target.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${label} console.error: ${message.text()}`);
    });
    target.on('pageerror', (error) => problems.push(`${label} page error: ${error.message}`));
    target.on('requestfailed', (request) => {
      // Navigations and unmounts abort live streams on purpose; any other failure is a defect.
      const reason = request.failure()?.errorText ?? '';
      if (reason !== 'net::ERR_ABORTED') problems.push(`${label} request failed: ${request.url()} ${reason}`);
    });
    target.on('response', (response) => {
      if (response.status() >= 400) {
        problems.push(`${label} HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
      }
    });
    return target;
  }

  async function newContext(viewport: keyof typeof VIEWPORTS, colorScheme: 'light' | 'dark' = 'light') {
    return browser.newContext({ viewport: VIEWPORTS[viewport], colorScheme, reducedMotion: 'reduce' });
  }

  const nav = (target: Page, name: string) =>
    target.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: false });

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIR, 'index.html'))) {
      throw new Error(`the console is not built at ${WEB_DIR}; run pnpm --filter @crewship/web build`);
    }
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing; bash tooling/scripts/test-env.sh installs it`);
    mkdirSync(SHOTS, { recursive: true });
    stack = await startConsoleStack({ webDir: WEB_DIR });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    owner = await newContext('desktop');
    page = watch(await owner.newPage(), 'owner');
  }, 120_000);

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !page) return;
    const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await page.screenshot({ path: join(SHOTS, `failed-${name}.png`), fullPage: true }).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    if (stack) {
      const token = await tokenFor(stack.url, OWNER.email, OWNER.password).catch(() => undefined);
      if (token) await apiCall(stack.url, token, 'DELETE', `/api/v1/crews/${CREW}`).catch(() => {});
      await stack.stop();
    }
  }, 120_000);

  it('bootstraps the Owner, creates a crew, a credential and an agent, and chats with a streamed answer', async () => {
    await page.goto(stack.url);
    await visible(page.getByRole('heading', { name: 'Set up Crewship' }));
    await page.screenshot({ path: join(SHOTS, 'bootstrap-desktop.png') });
    await page.getByLabel('Your name').fill('Olga Owner');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create Owner account' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Crews' }));

    await page.getByRole('button', { name: 'Create crew' }).click();
    const crewDialog = page.getByRole('dialog');
    await crewDialog.getByLabel('Name', { exact: true }).fill(CREW);
    await crewDialog.getByRole('button', { name: 'Create crew' }).click();
    await hidden(crewDialog);

    await nav(page, 'Credentials').click();
    await page.getByRole('button', { name: 'Add credential' }).click();
    const credentialDialog = page.getByRole('dialog');
    await credentialDialog.getByLabel('Name', { exact: true }).fill('anthropic-main');
    await credentialDialog.getByLabel('Provider').selectOption('anthropic');
    await credentialDialog.getByLabel('Value').fill(CREDENTIAL_VALUE);
    await credentialDialog.getByRole('button', { name: 'Add credential' }).click();
    await hidden(credentialDialog);
    await visible(page.getByRole('cell', { name: 'anthropic-main' }));
    expect(await page.content()).not.toContain(CREDENTIAL_VALUE);

    await nav(page, 'Agents').click();
    await page.getByRole('button', { name: 'Create agent' }).click();
    const agentDialog = page.getByRole('dialog');
    await agentDialog.getByLabel('Crew').selectOption({ label: CREW });
    await agentDialog.getByLabel('Name', { exact: true }).fill('Ada');
    await agentDialog.getByLabel('CLI adapter').selectOption('CLAUDE_CODE');
    await agentDialog.getByLabel('anthropic-main').check();
    await agentDialog.getByRole('button', { name: 'Create agent' }).click();
    await hidden(agentDialog);
    await visible(page.getByRole('link', { name: 'Ada', exact: true }));

    // Started after its agent exists, so the start installs Claude Code for it.
    await nav(page, 'Crews').click();
    await page.getByRole('link', { name: CREW }).first().click();
    await visible(page.getByRole('heading', { level: 1, name: CREW }));
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await visible(page.getByRole('button', { name: 'Stop', exact: true }), 300_000);

    await page.goto(`${stack.url}/chat/ada`);
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByLabel('Message').fill('How is the build?');
    await page.getByRole('button', { name: 'Send' }).click();
    // The answer arrives over the live stream, without a reload.
    await visible(page.getByText(STREAMED_ANSWER), 120_000);
    await visible(page.getByText('completed').first(), 60_000);
    const token = await tokenFor(stack.url, OWNER.email, OWNER.password);
    const runs = await apiCall<{ items: { id: string; status: string }[] }>(
      stack.url,
      token,
      'GET',
      '/api/v1/runs',
    );
    expect(runs.items[0]?.status).toBe('completed');
    runId = runs.items[0]?.id ?? '';
    expect(problems).toEqual([]);
  }, 600_000);

  it('finds the run in the journal by full-text search and opens it', async () => {
    await nav(page, 'Journal').click();
    await page.getByLabel('Search journal').fill('"build is green"');
    await page.getByRole('button', { name: 'Search' }).click();
    await visible(page.getByText('build is green').first());
    await page.locator(`a[href="/runs/${runId}"]`).first().click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    await visible(page.getByText('completed').first());
    expect(problems).toEqual([]);
  }, 120_000);

  it('holds a tool call for approval, approves it from the inbox, and the run continues', async () => {
    const token = await tokenFor(stack.url, OWNER.email, OWNER.password);
    await requireApprovalForPhrase(stack.url, token);
    await page.goto(`${stack.url}/chat/ada`);
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByLabel('Message').fill(`Please ${APPROVAL_PHRASE} and write the file.`);
    await page.getByRole('button', { name: 'Send' }).click();
    await visible(page.getByText(/waiting for approval/i).first(), 120_000);
    const chatUrl = page.url();

    await visible(page.getByTestId('inbox-unread'));
    await nav(page, 'Inbox').click();
    await visible(page.getByText(`echo ${APPROVAL_PHRASE}`).first());
    await page.getByRole('button', { name: 'Approve' }).first().click();
    await visible(page.getByText(/approved/i).first());

    await page.goto(chatUrl);
    await visible(page.getByText(TOOL_DONE_ANSWER), 120_000);
    const approvals = await apiCall<{ items: { status: string; decided_by: string | null }[] }>(
      stack.url,
      token,
      'GET',
      '/api/v1/approvals',
    );
    expect(approvals.items[0]?.status).toBe('approved');
    expect(problems).toEqual([]);
  }, 300_000);

  it('screenshots every main page at desktop and phone width, light and dark, without errors', async () => {
    const pages = [
      ['crews', '/crews'],
      ['crew', `/crews/${CREW}`],
      ['agents', '/agents'],
      ['agent', '/agents/ada'],
      ['chat', '/chat/ada'],
      ['runs', '/runs'],
      ['run', `/runs/${runId}`],
      ['journal', '/journal'],
      ['journal-runs', '/journal?tab=runs'],
      ['journal-stats', '/journal?tab=stats'],
      ['inbox', '/inbox'],
      ['credentials', '/credentials'],
      ['cost', '/cost'],
      ['members', '/members'],
      ['settings', '/settings'],
    ] as const;
    for (const [viewport, scheme] of [
      ['desktop', 'light'],
      ['phone', 'light'],
      ['desktop', 'dark'],
    ] as const) {
      const context = await newContext(viewport, scheme);
      await context.addCookies(await owner.cookies());
      const target = watch(await context.newPage(), `${viewport}/${scheme}`);
      for (const [name, path] of pages) {
        await target.goto(`${stack.url}${path}`);
        await visible(target.getByRole('heading', { level: 1 }));
        await target.waitForLoadState('networkidle').catch(() => {});
        const width = await target.evaluate<number>('document.documentElement.scrollWidth');
        expect(width, `${name} overflows the ${viewport} width`).toBeLessThanOrEqual(
          VIEWPORTS[viewport].width,
        );
        await target.screenshot({ path: join(SHOTS, `${name}-${viewport}-${scheme}.png`), fullPage: true });
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('a Viewer sees no edit controls, and the server refuses the calls anyway', async () => {
    const token = await tokenFor(stack.url, OWNER.email, OWNER.password);
    // A new user joins the creator's workspace as a Member; the Owner then makes them a Viewer.
    const created = await apiCall<{ user_id: string }>(stack.url, token, 'POST', '/api/v1/users', VIEWER);
    await apiCall(stack.url, token, 'PATCH', `/api/v1/members/${created.user_id}`, { role: 'VIEWER' });

    const context = await newContext('desktop');
    const viewer = watch(await context.newPage(), 'viewer');
    await viewer.goto(stack.url);
    await viewer.getByLabel('Email').fill(VIEWER.email);
    await viewer.getByLabel('Password').fill(VIEWER.password);
    await viewer.getByRole('button', { name: 'Log in' }).click();
    await visible(viewer.getByRole('heading', { level: 1, name: 'Crews' }));
    await viewer.screenshot({ path: join(SHOTS, 'viewer-crews-desktop.png') });

    const forbidden = [
      ['/crews', ['Create crew']],
      [`/crews/${CREW}`, ['Start', 'Stop', 'Save', 'Delete crew']],
      ['/agents', ['Create agent']],
      ['/agents/ada', ['Save', 'Delete agent']],
      ['/chat/ada', ['New chat', 'Send']],
      ['/inbox', ['Approve', 'Deny']],
      ['/credentials', ['Add credential', 'Rotate', 'Assign']],
      ['/cost', ['Set budget', 'Set price']],
      ['/members', ['Add member', 'Remove']],
    ] as const;
    for (const [path, buttons] of forbidden) {
      await viewer.goto(`${stack.url}${path}`);
      await visible(viewer.getByRole('heading', { level: 1 }));
      await viewer.waitForLoadState('networkidle').catch(() => {});
      for (const name of buttons) {
        expect(await viewer.getByRole('button', { name, exact: true }).count(), `${path}: ${name}`).toBe(0);
      }
    }
    await context.close();

    const viewerToken = await tokenFor(stack.url, VIEWER.email, VIEWER.password);
    const refused = async (method: string, path: string, body?: unknown) =>
      (
        await request(stack.url, method, path, {
          token: viewerToken,
          ...(body === undefined ? {} : { body }),
        })
      ).status;
    expect(await refused('POST', '/api/v1/crews', { name: 'nope' })).toBe(403);
    expect(await refused('POST', `/api/v1/crews/${CREW}/container-stop`)).toBe(403);
    expect(await refused('PATCH', '/api/v1/agents/ada', { persona: 'x' })).toBe(403);
    expect(
      await refused('POST', '/api/v1/credentials', { name: 'x', provider: 'anthropic', value: 'x' }),
    ).toBe(403);
    expect(await refused('POST', '/api/v1/agents/ada/chats', {})).toBe(403);
    expect(
      await refused('PUT', '/api/v1/budgets', { scope: 'workspace', window: 'month', limit_usd: 1 }),
    ).toBe(403);
    expect(problems).toEqual([]);
  }, 300_000);
});
