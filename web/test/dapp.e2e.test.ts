/**
 * The dApp end to end in a real browser: a whole local network (chain, contracts, blob store, indexer, one
 * worker, the built web app) from `scripts/start.ts`, headless Chromium with the injected test wallet (EIP-6963),
 * and the user flows of the UI contract: connect and switch network, submit a digits task and watch the browser
 * verify the worker's output, stake and register as a provider, delegate / propose / vote. Along the way: no request
 * may leave for a host other than the app, the RPC and the indexer; every page gets accessibility sanity checks and
 * screenshots at desktop and phone widths (web/test-results/screenshots/, kept as test artifacts).
 *
 * Needs a production build of the app (`npm run build:web`; `npm test` runs it first).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  toHex,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eaiTokenAbi,
  modelRegistryAbi,
  providerRegistryAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "../../sdk/src/generated/abis.ts";
import { buildTaskRequest, submittedTaskFromLogs } from "../../sdk/src/tasks/request.ts";
import {
  DEV_KEYS,
  REPO_ROOT,
  advanceTime,
  focusInfo,
  horizontalOverflow,
  launchBrowser,
  pageProblems,
  recordRequests,
  requireChromium,
  startNetwork,
  type Network,
} from "./harness.ts";
import { TestWallet, broadcast, installTestWallet } from "./wallet.ts";

const PORTS = { chain: 8831, blob: 8832, indexer: 42331, web: 3131, metrics: 9631 };
const BUILD_ID = join(REPO_ROOT, "web", ".next", "BUILD_ID");
const SCREENSHOTS = join(REPO_ROOT, "web", "test-results", "screenshots");
const CHAIN_NAME = "EAI Local";
const NAV_LABELS = [
  "Overview",
  "Submit",
  "My tasks",
  "All tasks",
  "Providers",
  "Stake & provide",
  "Governance",
  "Models",
];
/** Milliseconds to wait for a transaction to confirm and the page to show it. */
const TX_MS = 45_000;
/** Milliseconds to wait for the indexer to catch up (it polls the chain; the app refetches every 2 s). */
const INDEXED_MS = 30_000;

let network: Network | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
let page: Page;
let wallet: TestWallet;
let requests: ReturnType<typeof recordRequests>;
let stateDir: string | undefined;
/** Reads the chain directly, to check what the app's transactions did. */
let reader: PublicClient;
/** The deployer (holds the EAI supply), for setting the stage outside the app. */
let deployer: WalletClient;
/** Hardhat's development mnemonic: account 9 plays an operator (the network's one worker is account 2). */
const OPERATOR = mnemonicToAccount("test test test test test test test test test test test junk", {
  addressIndex: 9,
});
/** The network's one worker (the provider that claims the digits task). */
const WORKER = mnemonicToAccount("test test test test test test test test test test test junk", {
  addressIndex: 2,
});
const pageErrors: string[] = [];
/** Filled by the flows, used by the screenshot pass. */
const found: { taskId?: string; proposalId?: string; pixels?: string[] } = {};

/** The numbers of a 7 × 7 pixel table (its cells, row by row). */
async function gridValues(name: string | RegExp): Promise<string[]> {
  const grid = page.getByRole("table", { name });
  await grid.waitFor();
  return grid.getByRole("cell").allTextContents();
}

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

async function heading(text: string | RegExp, timeout = 20_000): Promise<void> {
  await page.getByRole("heading", { level: 1, name: text }).waitFor({ timeout });
}

/**
 * Waits for a `<TxStatus>` line "<label>…: confirmed in block N." (the label starts with `prefix`, e.g. "Vote" for
 * "Vote for") and fails early on "<label>… failed: …".
 */
async function confirmed(prefix: string, timeout = TX_MS): Promise<void> {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const status = page.getByRole("status");
  const ok = status.filter({ hasText: new RegExp(`^${escaped}[^:]*: confirmed in block \\d+\\.`) });
  const failed = status.filter({ hasText: new RegExp(`^${escaped}[^:]* failed`) });
  const invalid = page.locator('[aria-invalid="true"]');
  await Promise.race([
    ok.first().waitFor({ timeout }),
    failed
      .first()
      .waitFor({ timeout })
      .then(async () => {
        throw new Error(`transaction failed: ${await failed.first().textContent()}`);
      }),
    // A form that refused the input sends nothing: say which field and why instead of timing out.
    invalid
      .first()
      .waitFor({ timeout })
      .then(async () => {
        const field = invalid.first();
        const described = await field.getAttribute("aria-describedby");
        const errors = await Promise.all(
          (described ?? "")
            .split(/\s+/)
            .filter(Boolean)
            .map((id) => page.locator(`[id="${id}"]`).textContent()),
        );
        const label = await field.evaluate(
          (el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? el.id,
        );
        throw new Error(`form refused "${label}": ${errors.join(" ")}`);
      }),
  ]);
}

/** Fills an input by its label when the form has it (the provider form shows whatever fields the registry takes). */
async function fillIfPresent(label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  if ((await field.count()) > 0) await field.first().fill(value);
}

async function go(path: string): Promise<void> {
  await page.goto(`${network!.webUrl}${path}`, { waitUntil: "domcontentloaded" });
}

/** Fails with a clear message when the test runs without a built app. */
function requireBuild(): void {
  if (!existsSync(BUILD_ID)) {
    throw new Error(
      `no production build of the web app (${BUILD_ID} is missing): run npm run build:web first`,
    );
  }
}

describe("dApp in a browser", () => {
  beforeAll(async () => {
    requireBuild();
    requireChromium();
    stateDir = await mkdtemp(join(tmpdir(), "eai-web-e2e-"));
    network = await startNetwork({ ports: PORTS, stateDir });

    // The test's user is dev account 1 (the worker is account 2): give it EAI from the deployer.
    const chain = {
      id: network.chainId,
      name: CHAIN_NAME,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [network.rpcUrl] } },
    } as const;
    deployer = createWalletClient({
      account: privateKeyToAccount(DEV_KEYS.deployer),
      chain,
      transport: http(network.rpcUrl),
    });
    const user = privateKeyToAccount(DEV_KEYS.user);
    const hash = await deployer.writeContract({
      account: deployer.account!,
      chain,
      address: network.deployment.contracts.EAIToken.address,
      abi: eaiTokenAbi,
      functionName: "transfer",
      args: [user.address, parseEther("10000")],
    });
    reader = createPublicClient({ chain, transport: http(network.rpcUrl) });
    const receipt = await reader.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");

    browser = await launchBrowser({ width: 1280, height: 900 });
    // The wallet starts on chain 1 (which it cannot reach) so the app's wrong-network banner shows.
    wallet = new TestWallet({
      privateKey: DEV_KEYS.user as Hex,
      chainId: 1,
      chains: [{ id: 1 }, { id: network.chainId, rpcUrl: network.rpcUrl }],
    });
    await installTestWallet(browser.context, wallet);
    requests = recordRequests(browser.context, [network.webUrl, network.rpcUrl, network.indexerUrl]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    page.setDefaultTimeout(20_000);
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 330_000);

  afterAll(async () => {
    await browser?.close();
    // A service that died mid-run takes the whole network down (start.ts stops everything): say which and why.
    const output = network?.output() ?? "";
    if (/ exited \(/.test(output)) {
      console.error(
        `--- the network stopped during the test; end of start.ts output ---\n${output.slice(-6_000)}`,
      );
    }
    await network?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it("loads the overview, connects the test wallet through the dialog and switches to the app's chain", async () => {
    await go("/");
    await heading("Network overview");
    const connect = page.getByRole("button", { name: "Connect wallet" });
    await expect.poll(() => connect.isEnabled(), { timeout: 20_000 }).toBe(true);
    await connect.click();
    const dialog = page.getByRole("dialog", { name: "Connect a wallet" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "EAI Test Wallet" }).click();
    await page.getByRole("button", { name: "Disconnect" }).waitFor();
    await page.getByLabel(`Connected account ${wallet.address}`).waitFor();

    const banner = page.getByRole("alert").filter({ hasText: "Your wallet is on chain 1" });
    await banner.waitFor();
    await banner.getByRole("button", { name: `Switch to ${CHAIN_NAME}` }).click();
    await banner.waitFor({ state: "detached" });
    expect(wallet.chainId).toBe(network!.chainId);
  });

  it("submits a digits task and verifies the worker's output in the browser", async () => {
    await go("/submit");
    await heading("Submit a task");
    await page.getByRole("button", { name: "Disconnect" }).waitFor();
    const model = page.getByLabel("Model", { exact: true });
    // The digits model: the one whose option mentions it (the demo deployment registers only that one).
    const options = await model.locator("option").allTextContents();
    const digits = options.find((o) => /digit|mnist/i.test(o));
    if (digits) await model.selectOption({ label: digits });
    await page.getByLabel("Digit drawing pad", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Use a sample digit" }).click();
    // What the model will read: compared with the task page's input below.
    const pixels = await gridValues(/^What the model sees/);
    expect(pixels).toHaveLength(49);
    found.pixels = pixels;
    await page.getByLabel("Reward (EAI)", { exact: true }).fill("5");
    // Pay with a permit: exercises eth_signTypedData_v4 in the wallet and saves the approve transaction.
    await page.getByLabel("Pay with a permit signature (no approve transaction)").check();
    await page.getByRole("button", { name: "Submit task" }).click();

    const open = page.getByRole("link", { name: /^Open task #\d+$/ });
    // Upload, permit signature, fresh serveability reads and the transaction: seconds alone, but a minute or more
    // while other suites load both cores, so the wait is generous (the test's own limit is 360 s).
    await open.waitFor({ timeout: 150_000 });
    const taskId = /#(\d+)/.exec((await open.textContent()) ?? "")?.[1];
    expect(taskId).toBeDefined();
    found.taskId = taskId;
    expect(wallet.log).toContain("eth_signTypedData_v4");

    // The worker proves the inference (Groth16) and the chain verifies it; the page then
    // re-checks the proven output word and the proof against the chain.
    const verification = page.getByTestId("task-verification");
    await verification.filter({ hasText: "Output verified against the on-chain proof" }).waitFor({
      timeout: 150_000,
    });
    expect(await verification.textContent()).toMatch(/Predicted digit: \d/);

    await open.click();
    await heading(`Task #${taskId}`);
    await page
      .getByTestId("task-verification")
      .filter({ hasText: "Output verified against the on-chain proof" })
      .waitFor({ timeout: 60_000 });
    // Beside it, the input: the digit drawn on /submit, read back from the blob store and checked by its hash.
    const input = page.getByTestId("task-input");
    await input.filter({ hasText: "checked against its content address" }).waitFor({ timeout: 30_000 });
    expect(await gridValues("Input digit: 7 × 7 pixels, values 0–15")).toEqual(pixels);
    expect(await page.getByRole("link", { name: "mnist-mlp #1" }).count()).toBeGreaterThan(0);
  }, 360_000);

  it("lists the task on the all-tasks page and filters it in and out", async () => {
    const taskId = found.taskId;
    expect(taskId, "needs the digits task").toBeDefined();
    await go("/tasks/all");
    await heading("All tasks");
    const table = page.getByRole("table", { name: "All tasks" });
    const row = table.getByRole("row").filter({ has: page.getByRole("link", { name: `Task #${taskId}` }) });
    await row.waitFor({ timeout: INDEXED_MS });
    expect(await row.textContent()).toContain("mnist-mlp #1");
    expect(await row.textContent()).toContain("Completed");

    await page.getByLabel("Status", { exact: true }).selectOption("Completed");
    await page.getByLabel("Mode", { exact: true }).selectOption("ZK");
    await expect.poll(() => page.evaluate("location.search")).toBe("?status=Completed&mode=ZK");
    await row.waitFor({ timeout: INDEXED_MS });
    // The worker (dev account 2) claimed it: the provider filter finds it through its claims.
    await page.getByLabel("Provider", { exact: true }).fill(WORKER.address);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await row.waitFor({ timeout: INDEXED_MS });
    await page.getByLabel("Mode", { exact: true }).selectOption("REDUNDANT");
    await table.getByText("No task matches these filters.").waitFor({ timeout: INDEXED_MS });
    // A filtered list is an address: loading it again gives the same list.
    await go(`/tasks/all?status=Completed&requester=${wallet.address}`);
    await row.waitFor({ timeout: INDEXED_MS });
  }, 120_000);

  it("stakes and registers as a provider", async () => {
    await go("/stake");
    await heading("Stake and provide");
    await page.getByRole("button", { name: "Disconnect" }).waitFor();
    await page.getByLabel("Amount to stake (EAI)", { exact: true }).fill("250");
    await page.getByRole("button", { name: "Stake", exact: true }).click();
    await confirmed("Stake");
    // Then with a permit signature: one stakeWithPermit transaction, no approve (a fresh page: a fresh status line).
    await go("/stake");
    await page.getByRole("button", { name: "Disconnect" }).waitFor();
    await page.getByLabel("Pay with a permit signature (no approve transaction)").check();
    await page.getByLabel("Amount to stake (EAI)", { exact: true }).fill("50");
    await page.getByRole("button", { name: "Stake", exact: true }).click();
    await confirmed("Stake");
    const { EAIToken, StakingVault } = network!.deployment.contracts;
    expect(
      await reader.readContract({
        address: StakingVault.address,
        abi: stakingVaultAbi,
        functionName: "stakeOf",
        args: [wallet.address],
      }),
    ).toBe(parseEther("300"));
    // Both ways allowed exactly the amount staked: nothing is left for the vault to pull.
    expect(
      await reader.readContract({
        address: EAIToken.address,
        abi: eaiTokenAbi,
        functionName: "allowance",
        args: [wallet.address, StakingVault.address],
      }),
    ).toBe(0n);

    await fillIfPresent("CPU cores", "8");
    await fillIfPresent("RAM (GB)", "32");
    await fillIfPresent("Storage (GB)", "500");
    await fillIfPresent("GPU model", "");
    await fillIfPresent("VRAM (GB)", "0");
    await fillIfPresent("GPU compute capability", "0");
    await fillIfPresent("Bandwidth (Mbit/s)", "1000");
    await fillIfPresent("Benchmark score", "1200");
    // ISO 3166-1 numeric country code (276: Germany).
    await fillIfPresent("Region", "276");
    // Registration needs the X25519 key requesters encrypt private inputs to: generate one in the browser.
    await page.getByRole("button", { name: "Generate a key pair in this browser" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^New key 0x[0-9a-f]+… filled in\./ })
      .waitFor();
    expect(await page.getByRole("link", { name: "Save x25519.json" }).getAttribute("href")).toMatch(/^blob:/);
    await page.getByRole("button", { name: "Register as provider" }).click();
    await confirmed("Register as provider");
    await page.getByRole("button", { name: "Update provider profile" }).waitFor({ timeout: INDEXED_MS });

    await go(`/providers/${wallet.address}`);
    await heading(`Provider ${shortAddress(wallet.address)}`);
  }, 150_000);

  it("offers the operator role to another account, which accepts it from its own wallet", async () => {
    const provider = wallet.address;
    const registry = network!.deployment.contracts.ProviderRegistry.address;
    await go("/stake");
    await heading("Stake and provide");
    await page.getByRole("button", { name: "Disconnect" }).waitFor();
    await page.getByRole("button", { name: "Update provider profile" }).waitFor({ timeout: INDEXED_MS });
    await page.getByLabel("Operator address", { exact: true }).fill(OPERATOR.address);
    await page.getByRole("button", { name: "Offer operator role" }).click();
    await confirmed("Offer operator role");
    const ours = page.getByRole("table", { name: "Operators and open offers" });
    await ours.getByRole("row").filter({ hasText: "not accepted yet" }).waitFor({ timeout: INDEXED_MS });
    expect(
      await reader.readContract({
        address: registry,
        abi: providerRegistryAbi,
        functionName: "isOperatorOffered",
        args: [provider, OPERATOR.address],
      }),
    ).toBe(true);

    // The operator's own account (a user picking another account in the wallet) accepts the offer.
    await broadcast(browser!.context, wallet.switchAccount(toHex(OPERATOR.getHdKey().privateKey!)));
    try {
      await go("/stake");
      await heading("Stake and provide");
      await page.getByLabel(`Connected account ${OPERATOR.address}`).waitFor();
      const offers = page.getByRole("table", { name: "Operator offers to this account" });
      const row = offers.getByRole("row").filter({ hasText: provider.toLowerCase() });
      await row.getByRole("button", { name: "Accept" }).click({ timeout: INDEXED_MS });
      await confirmed("Accept operator role");
      await page.getByTestId("operating-for").waitFor();
      expect(
        await reader.readContract({
          address: registry,
          abi: providerRegistryAbi,
          functionName: "operatorOwnerOf",
          args: [OPERATOR.address],
        }),
      ).toBe(provider);
    } finally {
      await broadcast(browser!.context, wallet.switchAccount(DEV_KEYS.user as Hex));
    }

    // The provider sees it as its operator (from the indexer), with Revoke.
    await go("/stake");
    await page.getByLabel(`Connected account ${provider}`).waitFor();
    await ours
      .getByRole("row")
      .filter({ hasText: OPERATOR.address.toLowerCase() })
      .filter({ hasText: "Operator since" })
      .getByRole("button", { name: "Revoke" })
      .waitFor({ timeout: INDEXED_MS });
  }, 150_000);

  it("delegates, creates a parameter-change proposal and votes for it", async () => {
    await go("/governance");
    await heading("Governance");
    await page.getByRole("button", { name: "Disconnect" }).waitFor();
    await page.getByRole("button", { name: "Delegate votes to myself" }).click();
    await confirmed("Delegate");

    const proposalLinks = page.getByRole("link", { name: /^Proposal / });
    const hrefs = () => proposalLinks.evaluateAll((links) => links.map((l) => l.getAttribute("href") ?? ""));
    const before = new Set(await hrefs());
    const parameter = page.getByLabel("Parameter", { exact: true });
    const options = await parameter
      .locator("option")
      .evaluateAll((opts) =>
        opts.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? "" })),
      );
    // The treasury's share of slashed stake (basis points, 0 to 10 000) when the form offers it; otherwise the first
    // parameter with a small number, which creating the proposal does not execute.
    const slashShare = options.find((o) => /share of slashed stake/i.test(o.label));
    const choice = slashShare ?? options.find((o) => o.value !== "");
    expect(choice, "the Parameter select offers a parameter").toBeDefined();
    await parameter.selectOption(choice!.value);
    await page.getByLabel("New value", { exact: true }).fill(slashShare ? "4000" : "120");
    await page.getByLabel("Description", { exact: true }).fill("E2E: change a protocol parameter");
    await page.getByRole("button", { name: "Create proposal" }).click();
    await confirmed("Create proposal");

    // The new proposal appears in the list once indexed.
    let href: string | undefined;
    await expect
      .poll(
        async () => {
          href = (await hrefs()).find((h) => !before.has(h));
          return href;
        },
        { timeout: INDEXED_MS },
      )
      .toBeDefined();
    found.proposalId = href!.split("/").pop();
    expect(found.proposalId).toMatch(/^\d+$/);
    await go(href!);
    await heading(/^Proposal /);

    // Past the voting delay (1 s locally; jump well past it without ending the 300 s voting period).
    await advanceTime(network!.rpcUrl, 5);
    await page.getByText("State: Active").waitFor({ timeout: INDEXED_MS });
    const voteFor = page.getByRole("button", { name: "Vote for" });
    await expect.poll(() => voteFor.isEnabled(), { timeout: INDEXED_MS }).toBe(true);
    await voteFor.click();
    await confirmed("Vote");
    await page.getByText("You voted").first().waitFor({ timeout: INDEXED_MS });
  }, 150_000);

  it("settles an expired task with the Settle button", async () => {
    // A task nobody on this network can claim (tier 3 only; the worker is tier 1), submitted outside the app.
    const { TaskMarket, EAIToken, ModelRegistry } = network!.deployment.contracts;
    const [block, params, model] = await Promise.all([
      reader.getBlock({ blockTag: "latest" }),
      reader.readContract({ address: TaskMarket.address, abi: taskMarketAbi, functionName: "marketParams" }),
      reader.readContract({
        address: ModelRegistry.address,
        abi: modelRegistryAbi,
        functionName: "getModel",
        args: [1n],
      }),
    ]);
    const execWindow = Math.max(params.minExecWindow, model.minExecWindow);
    const deadline = Number(block.timestamp) + params.priorityWindow + execWindow + 120;
    const reward = parseEther("1");
    const send = async (write: Parameters<WalletClient["writeContract"]>[0]) => {
      const receipt = await reader.waitForTransactionReceipt({ hash: await deployer.writeContract(write) });
      expect(receipt.status).toBe("success");
      return receipt;
    };
    await send({
      account: deployer.account!,
      chain: deployer.chain,
      address: EAIToken.address,
      abi: eaiTokenAbi,
      functionName: "approve",
      args: [TaskMarket.address, reward],
    });
    const receipt = await send({
      account: deployer.account!,
      chain: deployer.chain,
      address: TaskMarket.address,
      abi: taskMarketAbi,
      functionName: "submitTask",
      args: [
        buildTaskRequest({
          modelId: 1n,
          paymentToken: EAIToken.address,
          reward,
          mode: "zk",
          deadline,
          execWindow,
          minTier: 3,
          modelMinResources: model.minResources,
          inputCommitment: 1n,
          inputURI: `eai://blob/sha256-${"00".repeat(32)}`,
        }),
      ],
    });
    const taskId = submittedTaskFromLogs(receipt.logs, TaskMarket.address)?.taskId;
    expect(taskId).toBeDefined();

    await go(`/tasks/${taskId}`);
    await heading(`Task #${taskId}`);
    const settle = page.getByTestId("settle");
    await settle
      .getByText(/^Nothing to settle yet: task \d+ is Open until its deadline/)
      .waitFor({ timeout: TX_MS });
    const button = settle.getByRole("button", { name: "Settle" });
    expect(await button.isDisabled()).toBe(true);

    await advanceTime(network!.rpcUrl, deadline - Number(block.timestamp) + 5);
    await expect.poll(() => button.isEnabled(), { timeout: TX_MS }).toBe(true);
    expect(await settle.textContent()).toContain("Settle sends expireTask");
    await button.click();
    await confirmed("Settle");
    await page.getByText("Status: Refunded").waitFor({ timeout: TX_MS });
    const state = await reader.readContract({
      address: TaskMarket.address,
      abi: taskMarketAbi,
      functionName: "getTaskState",
      args: [taskId!],
    });
    expect(state.status).toBe(5); // Refunded
  }, 150_000);

  it("is usable from the keyboard: skip link first, then the nav links, all with visible focus", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await go("/");
    await heading("Network overview");
    await page.locator("body").focus();
    await page.keyboard.press("Tab");
    const first = await focusInfo(page);
    expect(first).toMatchObject({ text: "Skip to content", visibleFocus: true, inViewport: true });

    const reached: string[] = [];
    for (let i = 0; i < 15 && reached.length < NAV_LABELS.length; i++) {
      await page.keyboard.press("Tab");
      const focus = await focusInfo(page);
      if (!focus) continue;
      expect(focus.visibleFocus, `visible focus on ${focus.tag} "${focus.text}"`).toBe(true);
      expect(focus.inViewport, `${focus.tag} "${focus.text}" in view when focused`).toBe(true);
      if (focus.tag === "a" && NAV_LABELS.includes(focus.text)) reached.push(focus.text);
    }
    expect(reached).toEqual(NAV_LABELS);

    // The skip link takes keyboard focus past the header: the next Tab lands inside <main> (once the overview has
    // something focusable there: its links appear with the indexer's data).
    await go("/");
    await heading("Network overview");
    await page.locator("main a[href], main button").first().waitFor();
    await page.keyboard.press("Tab");
    expect((await focusInfo(page))?.text).toBe("Skip to content");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate("location.hash")).toBe("#main");
    await page.keyboard.press("Tab");
    const inMain = await page.evaluate(
      "(() => { const el = document.activeElement; return { inMain: Boolean(el?.closest('main')), what: el ? el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40) : 'nothing' }; })()",
    );
    expect(inMain, "the Tab after the skip link").toMatchObject({ inMain: true });
  });

  it("renders every page without accessibility problems, at desktop and phone widths (screenshots)", async () => {
    const pages: { path: string; name: string; h1: string | RegExp }[] = [
      { path: "/", name: "overview", h1: "Network overview" },
      { path: "/submit", name: "submit", h1: "Submit a task" },
      { path: "/tasks", name: "tasks", h1: "My tasks" },
      { path: "/tasks/all", name: "all-tasks", h1: "All tasks" },
      { path: "/providers", name: "providers", h1: "Providers" },
      {
        path: `/providers/${wallet.address}`,
        name: "provider",
        h1: `Provider ${shortAddress(wallet.address)}`,
      },
      { path: "/stake", name: "stake", h1: "Stake and provide" },
      { path: "/governance", name: "governance", h1: "Governance" },
      { path: "/models", name: "models", h1: "Models" },
    ];
    if (found.taskId)
      pages.push({ path: `/tasks/${found.taskId}`, name: "task", h1: `Task #${found.taskId}` });
    if (found.proposalId)
      pages.push({ path: `/governance/${found.proposalId}`, name: "proposal", h1: /^Proposal / });

    const problems: string[] = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
      for (const p of pages) {
        await go(p.path);
        await heading(p.h1);
        // Let the indexer-backed parts render (the app refetches every 2 s) before judging and capturing.
        await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
        for (const problem of await pageProblems(page)) problems.push(`${p.path} @${width}px: ${problem}`);
        const overflow = await horizontalOverflow(page);
        if (overflow > 1) problems.push(`${p.path} @${width}px: ${overflow} px wider than the screen`);
        await page.screenshot({ path: join(SCREENSHOTS, `${p.name}-${width}.png`), fullPage: true });
      }
    }
    expect(problems).toEqual([]);
    // Every page of the UI contract was captured (the task and proposal pages need the earlier flows).
    expect(pages.map((p) => p.name)).toEqual(expect.arrayContaining(["task", "proposal"]));
  }, 180_000);

  it("answers HTTP 404 with a page that says what is wrong for bad ids, addresses and unknown paths", async () => {
    const cases: [string, string][] = [
      ["/tasks/abc", "Invalid task id"],
      [`/tasks/${2n ** 256n}`, "Invalid task id"],
      ["/providers/0x1234", "Invalid provider address"],
      ["/governance/1e5", "Proposal not found"],
      ["/no-such-page", "Page not found"],
    ];
    const problems: string[] = [];
    for (const [path, h1] of cases) {
      const response = await page.goto(`${network!.webUrl}${path}`, { waitUntil: "domcontentloaded" });
      expect(response?.status(), path).toBe(404);
      await heading(h1);
      for (const problem of await pageProblems(page)) problems.push(`${path}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it("talked only to the app, the RPC and the indexer, with no uncaught page errors", () => {
    expect(requests.urls.length).toBeGreaterThan(0);
    expect(requests.foreign()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
