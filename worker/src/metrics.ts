/**
 * Prometheus metrics (prom-client, own registry) and an HTTP server on a loopback address serving
 * `/metrics` and `/healthz`. Health is the conjunction of registered checks (503 when any fails).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Logger } from "./logger.ts";
import { silentLogger } from "./logger.ts";

export interface WorkerMetrics {
  registry: Registry;
  tasksClaimed: Counter<"executor">;
  tasksCompleted: Counter<"executor">;
  tasksFailed: Counter<"executor" | "reason">;
  executionSeconds: Histogram<"executor">;
  proofSeconds: Histogram<never>;
  /** 1 for the backend each executor uses (onnx: cuda|cpu; wasm: sandbox; zk-mlp: snarkjs). */
  executorBackend: Gauge<"executor" | "backend">;
  proverQueue: Gauge<never>;
  tasksSkipped: Counter<"reason">;
  rpcErrors: Counter<"source">;
  transactions: Counter<"action" | "result">;
  lastProcessedBlock: Gauge<never>;
  tasksInFlight: Gauge<never>;
  /**
   * ZK settlement outcomes: "settled-direct" (our proof settled the Open task, no claim), "settled-claimed" (our
   * proof settled a task we had claimed), "lost-race" (direct path: another provider settled or claimed the task
   * after we had proved it, one wasted proof), "taken-before-proof" (settled or claimed by another before we
   * proved: no work wasted).
   */
  zkOutcomes: Counter<"outcome">;
  /** Batched ZK proofs by batch size (slots) and the tasks they carried. */
  zkBatches: Counter<"size">;
  zkBatchTasks: Counter<"size">;
  /** 1 while claims are paused by a remote command (docs/WORKER.md, "Remote control"). */
  claimsPaused: Gauge<never>;
  /** 1 while draining (no new tasks; those in flight finish). */
  draining: Gauge<never>;
  /** Control API commands by action and result (ok, refused, failed). */
  controlCommands: Counter<"action" | "result">;
  /** Bonds slashed, by outcome (wrong-result, missed-deadline, no-reveal). */
  slashes: Counter<"outcome">;
  /**
   * OPTIMISTIC actions by result ("ok", "lost-race": another party acted first or the call no longer applies,
   * "failed"): claim, commit, draw-audit, settle, take-audit, confirm-audit, challenge, take-seat, commit-vote,
   * reveal-vote, resolve, withdraw.
   */
  optimisticActions: Counter<"action" | "result">;
  /** OPTIMISTIC outcomes of this provider's tasks and audits (settled, faulted, overturned, voided, refunded, ...). */
  optimisticOutcomes: Counter<"outcome">;
  /** EAI withdrawn from OptimisticMarket and DisputeManager credits. */
  optimisticWithdrawnEai: Counter<"contract">;
  /** Worker version label (value 1). */
  info: Gauge<"version">;
  /** Account figures for the alert rules (worker/alerts), refreshed every minute. */
  stakeEai: Gauge<never>;
  freeStakeEai: Gauge<never>;
  minProviderStakeEai: Gauge<never>;
  gasBalanceEth: Gauge<never>;
  lastHeartbeatSeconds: Gauge<never>;
  heartbeatIntervalSeconds: Gauge<never>;
}

/** A fresh registry with the worker's metrics (and Node's default process metrics unless disabled). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): WorkerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "eai_worker_" });
  return {
    registry,
    tasksClaimed: new Counter({
      name: "eai_worker_tasks_claimed_total",
      help: "Tasks claimed",
      labelNames: ["executor"],
      registers: [registry],
    }),
    tasksCompleted: new Counter({
      name: "eai_worker_tasks_completed_total",
      help: "Tasks completed and accepted",
      labelNames: ["executor"],
      registers: [registry],
    }),
    tasksFailed: new Counter({
      name: "eai_worker_tasks_failed_total",
      help: "Tasks that failed, by executor and reason (error code)",
      labelNames: ["executor", "reason"],
      registers: [registry],
    }),
    executionSeconds: new Histogram({
      name: "eai_worker_execution_seconds",
      help: "Model execution time",
      labelNames: ["executor"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
      registers: [registry],
    }),
    proofSeconds: new Histogram({
      name: "eai_worker_proof_seconds",
      help: "Groth16 proving time (witness + proof)",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    executorBackend: new Gauge({
      name: "eai_worker_executor_backend",
      help: "1 for the backend each executor runs on",
      labelNames: ["executor", "backend"],
      registers: [registry],
    }),
    proverQueue: new Gauge({
      name: "eai_worker_prover_queue",
      help: "Proof jobs waiting",
      registers: [registry],
    }),
    tasksSkipped: new Counter({
      name: "eai_worker_tasks_skipped_total",
      help: "Tasks seen and not claimed, by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    rpcErrors: new Counter({
      name: "eai_worker_rpc_errors_total",
      help: "RPC errors caught (and retried), by source",
      labelNames: ["source"],
      registers: [registry],
    }),
    transactions: new Counter({
      name: "eai_worker_transactions_total",
      help: "Transactions by action and result (mined, reverted, already-done, failed)",
      labelNames: ["action", "result"],
      registers: [registry],
    }),
    lastProcessedBlock: new Gauge({
      name: "eai_worker_last_processed_block",
      help: "Last block whose market events were processed",
      registers: [registry],
    }),
    tasksInFlight: new Gauge({
      name: "eai_worker_tasks_in_flight",
      help: "Claimed tasks not yet settled",
      registers: [registry],
    }),
    zkOutcomes: new Counter({
      name: "eai_worker_zk_outcomes_total",
      help: "ZK settlement outcomes (settled-direct, settled-claimed, lost-race, taken-before-proof)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    zkBatches: new Counter({
      name: "eai_worker_zk_batches_total",
      help: "Batched ZK proofs sent, by batch size (circuit slots)",
      labelNames: ["size"],
      registers: [registry],
    }),
    zkBatchTasks: new Counter({
      name: "eai_worker_zk_batch_tasks_total",
      help: "Tasks carried by batched ZK proofs, by batch size",
      labelNames: ["size"],
      registers: [registry],
    }),
    claimsPaused: new Gauge({
      name: "eai_worker_claims_paused",
      help: "1 while new claims are paused by a control command",
      registers: [registry],
    }),
    draining: new Gauge({
      name: "eai_worker_draining",
      help: "1 while draining (no new tasks, in-flight tasks finish)",
      registers: [registry],
    }),
    controlCommands: new Counter({
      name: "eai_worker_control_commands_total",
      help: "Control API commands by action and result (ok, refused, failed)",
      labelNames: ["action", "result"],
      registers: [registry],
    }),
    slashes: new Counter({
      name: "eai_worker_slashes_total",
      help: "Bonds of this provider slashed, by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    optimisticActions: new Counter({
      name: "eai_worker_optimistic_actions_total",
      help: "OPTIMISTIC transactions by action and result (ok, lost-race, failed)",
      labelNames: ["action", "result"],
      registers: [registry],
    }),
    optimisticOutcomes: new Counter({
      name: "eai_worker_optimistic_outcomes_total",
      help: "Final outcomes of this provider's OPTIMISTIC tasks, audits and jury seats",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    optimisticWithdrawnEai: new Counter({
      name: "eai_worker_optimistic_withdrawn_eai_total",
      help: "EAI withdrawn from OptimisticMarket and DisputeManager credits",
      labelNames: ["contract"],
      registers: [registry],
    }),
    info: new Gauge({
      name: "eai_worker_info",
      help: "Worker version (value 1)",
      labelNames: ["version"],
      registers: [registry],
    }),
    stakeEai: new Gauge({
      name: "eai_worker_stake_eai",
      help: "The provider's stake in StakingVault, EAI",
      registers: [registry],
    }),
    freeStakeEai: new Gauge({
      name: "eai_worker_free_stake_eai",
      help: "The provider's stake not locked in bonds, EAI",
      registers: [registry],
    }),
    minProviderStakeEai: new Gauge({
      name: "eai_worker_min_provider_stake_eai",
      help: "The market's minimum provider stake, EAI",
      registers: [registry],
    }),
    gasBalanceEth: new Gauge({
      name: "eai_worker_gas_balance_eth",
      help: "Native balance of the signing key (pays gas), in ether units",
      registers: [registry],
    }),
    lastHeartbeatSeconds: new Gauge({
      name: "eai_worker_last_heartbeat_timestamp_seconds",
      help: "Unix time of the provider's last ProviderRegistry heartbeat on chain",
      registers: [registry],
    }),
    heartbeatIntervalSeconds: new Gauge({
      name: "eai_worker_heartbeat_interval_seconds",
      help: "Configured heartbeat interval (0: heartbeats off)",
      registers: [registry],
    }),
  };
}

export interface HealthResult {
  ok: boolean;
  detail?: string;
}
export type HealthCheck = () => HealthResult | Promise<HealthResult>;

/** Named health checks; a check that throws or takes longer than `timeoutMs` counts as failing. */
export class HealthChecks {
  readonly #checks = new Map<string, HealthCheck>();
  readonly timeoutMs: number;
  constructor(timeoutMs = 2_000) {
    this.timeoutMs = timeoutMs;
  }
  register(name: string, check: HealthCheck): void {
    this.#checks.set(name, check);
  }
  unregister(name: string): void {
    this.#checks.delete(name);
  }
  async run(): Promise<{ ok: boolean; checks: Record<string, HealthResult> }> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]): Promise<[string, HealthResult]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<HealthResult>((resolve) => {
            timer = setTimeout(
              () => resolve({ ok: false, detail: `check timed out after ${this.timeoutMs} ms` }),
              this.timeoutMs,
            );
          });
          return [name, await Promise.race([Promise.resolve().then(check), timeout])];
        } catch (err) {
          return [name, { ok: false, detail: (err as Error).message }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ok: entries.every(([, r]) => r.ok), checks };
  }
}

export interface MetricsServerOptions {
  metrics: WorkerMetrics;
  health: HealthChecks;
  /** Loopback address only (default 127.0.0.1). */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  logger?: Logger;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function startMetricsServer(
  options: MetricsServerOptions,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host))
    throw new Error(
      `metrics host: expected a loopback address (127.0.0.1, ::1, localhost), got ${JSON.stringify(host)}`,
    );
  const log = options.logger ?? silentLogger();
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const respond = async () => {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res
          .writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" })
          .end(JSON.stringify({ error: "method not allowed" }));
        return;
      }
      if (path === "/metrics") {
        const body = await options.metrics.registry.metrics();
        res.writeHead(200, { "content-type": options.metrics.registry.contentType }).end(body);
      } else if (path === "/healthz") {
        const result = await options.health.run();
        res
          .writeHead(result.ok ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(result));
      } else {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ error: "not found" }));
      }
    };
    respond().catch((err: unknown) => {
      log.error({ err: (err as Error).message }, "metrics server error");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal error" }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url }, "metrics server listening");
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
