// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigProvider } from "@/components/config-context.tsx";
import { filtersFromSearch, filtersToSearch, pageRangeText, taskWhere } from "@/lib/all-tasks.ts";
import type { WebConfig } from "@/lib/config.ts";
import { AllTasks } from "./all-tasks.tsx";

const replace = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ replace, push: vi.fn() }) }));

const ZERO = "0x0000000000000000000000000000000000000001";
const contract = { address: ZERO, startBlock: 0 } as const;
const CONFIG: WebConfig = {
  chainId: 31337,
  chainName: "EAI Local",
  rpcUrl: "http://127.0.0.1:9/",
  indexerUrl: "http://indexer.test",
  deployment: {
    chainId: 31337,
    deployedAt: "2026-01-01T00:00:00.000Z",
    deployer: ZERO,
    contracts: Object.fromEntries(
      [
        "EAIToken",
        "EAITimelock",
        "EAIGovernor",
        "StakingVault",
        "ProviderRegistry",
        "ModelRegistry",
        "Reputation",
        "TaskMarket",
        "MnistMlpVerifier",
      ].map((n) => [n, contract]),
    ) as unknown as WebConfig["deployment"]["contracts"],
  },
};
const REQUESTER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const MNIST_URI = "eai://blob/sha256-34a9ec0231dfa11ddfb5367540476194ff59a8147c56ac8bdda96b649a396ddf";

const row = (id: number) => ({
  id: String(id),
  requester: REQUESTER,
  modelId: "1",
  mode: "ZK",
  status: "Completed",
  reward: "5000000000000000000",
  paymentToken: ZERO,
  createdAt: 1_700_000_000 + id,
  settledAt: 1_700_000_100 + id,
});

interface Call {
  query: string;
  variables: Record<string, unknown>;
}
let calls: Call[];

/** The indexer's GraphQL, answering the three queries the page sends (60 tasks, 25 a page). */
function indexer(url: string, init?: RequestInit): Response {
  if (url !== "http://indexer.test/graphql") return new Response("not found", { status: 404 });
  const body = JSON.parse(String(init?.body)) as Call;
  calls.push(body);
  if (body.query.includes("ModelNames")) {
    return Response.json({
      data: { models: { items: [{ id: "1", kind: "ZK_MLP", artifactUri: MNIST_URI }] } },
    });
  }
  if (body.query.includes("ProviderTasks")) {
    return Response.json({ data: { taskClaims: { items: [{ taskId: "7" }, { taskId: "3" }] } } });
  }
  const where = body.variables.where as Record<string, unknown>;
  let ids = Array.from({ length: 60 }, (_, i) => 60 - i);
  if (Array.isArray(where.id_in)) ids = ids.filter((id) => (where.id_in as string[]).includes(String(id)));
  const after = body.variables.after as string | null;
  const start = after === null ? 0 : ids.indexOf(Number(after)) + 1;
  const items = ids.slice(start, start + 25);
  return Response.json({
    data: {
      tasks: {
        totalCount: ids.length,
        pageInfo: {
          hasNextPage: start + 25 < ids.length,
          hasPreviousPage: start > 0,
          startCursor: items.length ? String(items[0]) : null,
          endCursor: items.length ? String(items[items.length - 1]) : null,
        },
        items: items.map(row),
      },
    },
  });
}

beforeEach(() => {
  calls = [];
  replace.mockClear();
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => indexer(url, init)),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPage(search: Record<string, string> = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const { filters, errors } = filtersFromSearch(search);
  return render(
    <ConfigProvider value={CONFIG}>
      <QueryClientProvider client={client}>
        <AllTasks initialFilters={filters} initialErrors={errors} />
      </QueryClientProvider>
    </ConfigProvider>,
  );
}

const lastTasksCall = () => [...calls].reverse().find((c) => c.query.includes("AllTasks"));

describe("filters", () => {
  it("reads the URL's filters, refusing bad values with a reason", () => {
    expect(
      filtersFromSearch({
        status: "Completed",
        mode: "ZK",
        model: "2",
        requester: REQUESTER.toUpperCase().replace("0X", "0x"),
      }),
    ).toEqual({ filters: { status: "Completed", mode: "ZK", model: "2", requester: REQUESTER }, errors: {} });
    const bad = filtersFromSearch({ status: "Done", mode: "zk", model: "0", provider: "0x12" });
    expect(bad.filters).toEqual({});
    expect(Object.keys(bad.errors).sort()).toEqual(["mode", "model", "provider", "status"]);
  });

  it("writes them back in a fixed order and builds the indexer's where", () => {
    expect(filtersToSearch({ provider: PROVIDER, status: "Open" })).toBe(`?status=Open&provider=${PROVIDER}`);
    expect(filtersToSearch({})).toBe("");
    expect(taskWhere({ status: "Open", mode: "REDUNDANT", model: "3", requester: REQUESTER })).toEqual({
      status: "Open",
      mode: "REDUNDANT",
      modelId: "3",
      requester: REQUESTER,
    });
    // A provider with no claims matches nothing (not everything).
    expect(taskWhere({ provider: PROVIDER }, [])).toEqual({ id_in: [] });
    expect(pageRangeText(1, 25, 60)).toBe("Tasks 26–50 of 60");
    expect(pageRangeText(0, 0, 0)).toBe("No tasks of 0");
  });
});

describe("AllTasks", () => {
  it("lists every task newest first with model names, and pages with the indexer's cursors", async () => {
    renderPage();
    expect((await screen.findByRole("status")).textContent).toBe("Tasks 1–25 of 60");
    const table = screen.getByRole("table", { name: "All tasks" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(25);
    expect(within(rows[0] as HTMLElement).getByRole("link", { name: "Task #60" })).toBeTruthy();
    await waitFor(() => expect(rows[0]?.textContent).toContain("mnist-mlp #1"));
    expect(lastTasksCall()?.variables).toMatchObject({ where: {}, limit: 25, after: null });

    fireEvent.click(screen.getByRole("button", { name: "Older tasks" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Tasks 26–50 of 60"));
    expect(lastTasksCall()?.variables.after).toBe("36");
    expect(screen.getByText("Page 2")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Older tasks" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Tasks 51–60 of 60"));
    expect((screen.getByRole("button", { name: "Older tasks" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Newer tasks" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Tasks 26–50 of 60"));
  });

  it("applies a select at once, an address on submit, and keeps the filters in the URL", async () => {
    renderPage();
    await screen.findByRole("status");
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "Completed" } });
    await waitFor(() => expect(lastTasksCall()?.variables.where).toEqual({ status: "Completed" }));
    expect(replace).toHaveBeenLastCalledWith("/tasks/all?status=Completed", { scroll: false });

    fireEvent.change(screen.getByLabelText("Requester"), { target: { value: "0x1234" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Requester: expected an address");
    expect(screen.getByLabelText("Requester").getAttribute("aria-invalid")).toBe("true");

    fireEvent.change(screen.getByLabelText("Requester"), { target: { value: REQUESTER } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() =>
      expect(lastTasksCall()?.variables.where).toEqual({ status: "Completed", requester: REQUESTER }),
    );
    expect(screen.queryByRole("alert")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    await waitFor(() => expect(lastTasksCall()?.variables.where).toEqual({}));
    expect(replace).toHaveBeenLastCalledWith("/tasks/all", { scroll: false });
  });

  it("filters by provider through the provider's claims", async () => {
    renderPage({ provider: PROVIDER, mode: "ZK" });
    expect((await screen.findByRole("status")).textContent).toBe("Tasks 1–2 of 2");
    const claims = calls.find((c) => c.query.includes("ProviderTasks"));
    expect(claims?.variables).toEqual({ provider: PROVIDER, limit: 500 });
    expect(lastTasksCall()?.variables.where).toEqual({ mode: "ZK", id_in: ["7", "3"] });
    const links = within(screen.getByRole("table", { name: "All tasks" })).getAllByRole("link");
    expect(links.map((l) => l.textContent)).toEqual(["Task #7", "Task #3"]);
  });

  it("says when no task matches", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        const body = JSON.parse(String(init?.body)) as Call;
        if (!body.query.includes("AllTasks")) return indexer(url, init);
        return Response.json({
          data: {
            tasks: {
              totalCount: 0,
              pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
              items: [],
            },
          },
        });
      }),
    );
    renderPage({ status: "Faulted" });
    expect(await screen.findByText("No task matches these filters.")).toBeTruthy();
  });
});
